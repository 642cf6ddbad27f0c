//! Callback envelopes: the completion event is typed, unknown events and fields are kept raw,
//! and only a body without an envelope is an error.

use ice_api::callback::{CallbackEvent, Event};
use serde_json::json;

#[test]
fn batch_completion_event_is_typed() {
    let body = json!({
        "EventType": "BatchProduceMediaComplete",
        "UserId": 1_234_567_890_123_456u64,
        "EventTime": "2025-11-20T08:00:00Z",
        "MessageBody": {
            "JobId": "****20b48fb04483915d4f2cd8ac****",
            "Status": "Finished",
            "UserData": "{\"NotifyAddress\":\"https://example.com/cb\",\"biz\":1}",
            "SubJobList": [
                {"JobId": "s1", "Status": "Success", "MediaURL": "https://b/o_1.mp4", "Duration": 12.5},
                {"JobId": "s2", "Status": "Failed", "ErrorCode": "InvalidMaterial.NotFound", "NewField": [1]}
            ],
            "SomethingNew": {"a": 1}
        },
        "TopLevelNew": true
    });
    let event = CallbackEvent::from_slice(body.to_string().as_bytes()).unwrap();
    assert_eq!(event.event_type, "BatchProduceMediaComplete");
    assert_eq!(event.user_id.as_deref(), Some("1234567890123456"));
    assert_eq!(event.event_time.as_deref(), Some("2025-11-20T08:00:00Z"));
    assert_eq!(event.raw["TopLevelNew"], true);
    let Event::BatchProduceMediaComplete(done) = &event.event else {
        panic!("{:?}", event.event)
    };
    assert_eq!(
        done.job_id.as_deref(),
        Some("****20b48fb04483915d4f2cd8ac****")
    );
    assert!(done.is_finished());
    assert_eq!(done.user_data_json().unwrap()["biz"], 1);
    assert_eq!(done.sub_jobs.len(), 2);
    assert_eq!(
        done.sub_jobs[0].media_url.as_deref(),
        Some("https://b/o_1.mp4")
    );
    assert_eq!(
        done.sub_jobs[1].error_code.as_deref(),
        Some("InvalidMaterial.NotFound")
    );
    assert_eq!(
        done.raw["SomethingNew"]["a"], 1,
        "unknown body fields are kept"
    );
}

#[test]
fn message_body_sent_as_a_json_string_is_parsed() {
    let body = json!({
        "EventType": "BatchProduceMediaComplete",
        "UserId": "1234",
        "EventTime": "2025-11-20T08:00:00Z",
        "MessageBody": "{\"JobId\":\"j1\",\"Status\":\"Failed\"}"
    });
    let event = CallbackEvent::from_value(body).unwrap();
    match event.event {
        Event::BatchProduceMediaComplete(done) => {
            assert_eq!(done.job_id.as_deref(), Some("j1"));
            assert!(!done.is_finished());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_events_are_kept_as_raw_json() {
    let body = json!({
        "EventType": "FileUploadComplete",
        "UserId": 1,
        "EventTime": "2025-11-20T08:00:00Z",
        "MessageBody": {"MediaId": "m1", "Extra": [1, 2]}
    });
    let event = CallbackEvent::from_value(body).unwrap();
    match event.event {
        Event::Other { event_type, body } => {
            assert_eq!(event_type, "FileUploadComplete");
            assert_eq!(body["Extra"][1], 2);
        }
        other => panic!("{other:?}"),
    }
    // A completion event with odd field types still parses, with the odd fields absent.
    let odd = json!({"EventType": "BatchProduceMediaComplete", "MessageBody": {"JobId": 42, "Status": null, "SubJobList": "nope"}});
    let Event::BatchProduceMediaComplete(done) = CallbackEvent::from_value(odd).unwrap().event
    else {
        panic!()
    };
    assert_eq!(done.job_id.as_deref(), Some("42"));
    assert!(done.status.is_none() && done.sub_jobs.is_empty());
}

#[test]
fn bodies_without_an_envelope_are_errors_naming_the_problem() {
    assert!(CallbackEvent::from_slice(b"<html>")
        .unwrap_err()
        .message
        .contains("not JSON"));
    assert!(CallbackEvent::from_slice(b"[1]")
        .unwrap_err()
        .message
        .contains("object"));
    let err = CallbackEvent::from_slice(br#"{"UserId":1}"#).unwrap_err();
    assert!(err.to_string().contains("/EventType"));
}
