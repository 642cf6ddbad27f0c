//! Paginator streams over the emulator's `ListBatchMediaProducingJobs`: 250 jobs listed in pages
//! of 100 yield every job exactly once, filters apply, errors end the stream.
#![cfg(feature = "emulator")]

mod emulator_support;

use std::collections::HashSet;

use emulator_support::*;
use futures_util::{StreamExt, TryStreamExt};
use ice_api::emulator::{Emulator, Outcome, Timing};
use ice_api::runtime::pagination::{PageKind, Paginated};
use ice_api::{
    EncodeError, EncodeWire, HttpMethod, Location, Operation, RetryPolicy, Validate, WireParams,
};
use serde::Deserialize;
use serde_json::Value;

/// A hand-written paginated request, so the test does not depend on generated code.
#[derive(Debug, Clone, Default)]
struct ListJobs {
    max_results: Option<i64>,
    next_token: Option<String>,
    status: Option<String>,
    sort_by: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListJobsResponse {
    next_token: Option<String>,
    #[serde(default)]
    editing_batch_job_list: Vec<Value>,
}

impl Validate for ListJobs {}

impl EncodeWire for ListJobs {
    fn encode_wire(&self, out: &mut WireParams) -> Result<(), EncodeError> {
        if let Some(m) = self.max_results {
            out.push(Location::Query, "MaxResults", m.to_string());
        }
        for (k, v) in [
            ("NextToken", &self.next_token),
            ("Status", &self.status),
            ("SortBy", &self.sort_by),
        ] {
            if let Some(v) = v {
                out.push(Location::Query, k, v.clone());
            }
        }
        Ok(())
    }
}

impl Operation for ListJobs {
    const ACTION: &'static str = "ListBatchMediaProducingJobs";
    const VERSION: &'static str = "2020-11-09";
    const METHOD: HttpMethod = HttpMethod::Post;
    const AUTH: ice_api::Auth = ice_api::Auth::AccessKey;
    const IDEMPOTENT: bool = true;
    type Response = ListJobsResponse;
}

impl Paginated for ListJobs {
    type Item = Value;
    const KIND: PageKind = PageKind::Token;
    fn token(&self) -> Option<&str> {
        self.next_token.as_deref()
    }
    fn next_token(response: &ListJobsResponse) -> Option<&str> {
        response.next_token.as_deref()
    }
    fn set_next_token(&mut self, token: &str) {
        self.next_token = Some(token.to_string());
    }
    fn page_size(&self) -> Option<i64> {
        self.max_results
    }
    fn take_items(response: &mut ListJobsResponse) -> Vec<Value> {
        std::mem::take(&mut response.editing_batch_job_list)
    }
}

async fn submit_n(client: &ice_api::Client, n: usize) -> HashSet<String> {
    let mut ids = HashSet::new();
    for _ in 0..n {
        ids.insert(
            submit(
                client,
                "SubmitBatchMediaProducingJob",
                batch_params(None, 1),
            )
            .await,
        );
    }
    ids
}

#[tokio::test]
async fn pages_of_100_over_250_jobs_yield_each_job_once() {
    let (_emu, client) = start(Emulator::builder().seed(3).timing(Timing::instant())).await;
    let created = submit_n(&client, 250).await;
    assert_eq!(created.len(), 250);

    let req = ListJobs {
        max_results: Some(100),
        ..Default::default()
    };
    let pages: Vec<_> = client.paginate(req.clone()).try_collect().await.unwrap();
    assert_eq!(
        pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(),
        vec![100, 100, 50]
    );
    assert!(pages.last().unwrap().response.next_token.is_none());

    let items: Vec<Value> = client.paginate_items(req).try_collect().await.unwrap();
    let ids: Vec<String> = items
        .iter()
        .map(|j| j["JobId"].as_str().unwrap().to_string())
        .collect();
    let unique: HashSet<String> = ids.iter().cloned().collect();
    assert_eq!(ids.len(), 250, "no duplicates");
    assert_eq!(unique, created, "every job exactly once");

    // Default sort is newest first; asc reverses it.
    let asc: Vec<Value> = client
        .paginate_items(ListJobs {
            max_results: Some(100),
            sort_by: Some("asc".into()),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    let asc_ids: Vec<&str> = asc.iter().map(|j| j["JobId"].as_str().unwrap()).collect();
    let mut desc_ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    desc_ids.reverse();
    assert_eq!(asc_ids, desc_ids);
}

#[tokio::test]
async fn status_filter_and_default_page_size() {
    let (_emu, client) = start(
        Emulator::builder()
            .seed(5)
            .timing(Timing::instant().failure_rates(0.5, 0.0)),
    )
    .await;
    submit_n(&client, 30).await;
    let all: Vec<Value> = client
        .paginate_items(ListJobs::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 30);
    let failed_count = all.iter().filter(|j| j["Status"] == "Failed").count();
    assert!(
        failed_count > 0 && failed_count < 30,
        "seeded failure rate applied: {failed_count}"
    );
    let failed: Vec<Value> = client
        .paginate_items(ListJobs {
            status: Some("Failed".into()),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(failed.len(), failed_count);
    assert!(failed.iter().all(|j| j["Status"] == "Failed"));

    let first_page = client
        .paginate(ListJobs::default())
        .next()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first_page.items.len(), 10, "MaxResults defaults to 10");
}

#[tokio::test]
async fn an_error_ends_the_stream_after_yielding_it() {
    let (emu, _) = start(Emulator::builder().timing(Timing::instant())).await;
    let client = client_for(&emu, SECRET, RetryPolicy::disabled());
    submit_n(&client, 15).await;
    emu.push_script([
        Outcome::Normal,
        Outcome::Error {
            status: 400,
            code: "InvalidParameter".into(),
            message: "boom".into(),
        },
    ]);
    let results: Vec<_> = client
        .paginate_items(ListJobs {
            max_results: Some(10),
            ..Default::default()
        })
        .collect()
        .await;
    assert_eq!(results.len(), 11);
    assert!(results[..10].iter().all(Result::is_ok));
    assert_eq!(
        results[10].as_ref().unwrap_err().code(),
        Some("InvalidParameter")
    );
}

/// The generated request (codegen's `Paginated` impl) pages through the emulator too.
#[cfg(feature = "media-production")]
#[tokio::test]
async fn generated_list_request_yields_each_job_once() {
    use ice_api::media_production::ListBatchMediaProducingJobsRequest;
    let (_emu, client) = start(Emulator::builder().seed(8).timing(Timing::instant())).await;
    let created = submit_n(&client, 250).await;
    let items: Vec<_> = client
        .paginate_items(ListBatchMediaProducingJobsRequest::new().with_max_results(100))
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<String> = items.into_iter().filter_map(|j| j.job_id).collect();
    assert_eq!(ids.len(), 250);
    assert_eq!(ids.into_iter().collect::<HashSet<_>>(), created);
}
