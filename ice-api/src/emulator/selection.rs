//! Media-selection results the emulator reveals in `ExtendOutput`: plausible, deterministic
//! under the seed, built from the submitted `SpeechTextArray` and `MediaArray`.

use serde_json::{json, Value};

use super::rng::{fnv1a, Rng};

/// Builds a plausible image-text-matching selection result (camelCase, ice-jobtypes.md §4.2):
/// one `textMatchMediaOutputList` entry per `SpeechTextArray` item, one sentence entry per
/// sentence, clips drawn deterministically from `MediaArray`.
pub(crate) fn smart_mix_selection(input: &Value, seed: u64) -> Value {
    let media = media_ids(input);
    let texts: Vec<&str> = input
        .get("SpeechTextArray")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut rng = Rng::derive(seed, fnv1a(input.to_string().as_bytes()));
    let outputs: Vec<Value> = texts
        .iter()
        .map(|text| {
            let sentences: Vec<Value> = split_sentences(text)
                .into_iter()
                .enumerate()
                .map(|(j, sentence)| {
                    let duration = round(sentence_seconds(&sentence), 6);
                    let clips: Vec<Value> = (0..(1 + rng.below(2)))
                        .filter(|_| !media.is_empty())
                        .map(|k| {
                            let m = rng.below(media.len() as u64) as usize;
                            let start = round(rng.below(60_000) as f64 / 1000.0, 3);
                            json!({
                                "clipId": format!("{m}-{k}"),
                                "mediaId": media.get(m).cloned().unwrap_or_default(),
                                "startTime": start,
                                "endTime": round(start + duration, 3),
                                "score": round(-rng.unit(), 3),
                            })
                        })
                        .collect();
                    json!({
                        "duration": duration,
                        "matchClipList": clips,
                        "text": sentence,
                        "textId": j.to_string(),
                    })
                })
                .collect();
            json!({ "textMatchMediaSentenceOutputList": sentences })
        })
        .collect();
    json!({ "textMatchMediaOutputList": outputs })
}

/// The highlight-mashup selection shape is undocumented; the emulator invents a simple one:
/// `{"highlightClipList":[{"mediaId","startTime","endTime","score"}]}`.
pub(crate) fn highlights_selection(input: &Value, seed: u64) -> Value {
    let media = media_ids(input);
    let mut rng = Rng::derive(seed, fnv1a(input.to_string().as_bytes()));
    let clips: Vec<Value> = media
        .iter()
        .flat_map(|m| {
            let n = 1 + rng.below(3);
            (0..n)
                .map(|_| {
                    let start = round(rng.below(600_000) as f64 / 1000.0, 3);
                    json!({
                        "mediaId": m,
                        "startTime": start,
                        "endTime": round(start + 3.0 + rng.below(12_000) as f64 / 1000.0, 3),
                        "score": round(rng.unit(), 3),
                    })
                })
                .collect::<Vec<_>>()
        })
        .collect();
    json!({ "highlightClipList": clips })
}

/// Media IDs for `MediaArray` entries: IDs are kept; URLs get a stable 32-hex ID, as if the
/// service had registered them.
fn media_ids(input: &Value) -> Vec<String> {
    input
        .get("MediaArray")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|m| {
                    if m.contains("://") {
                        Rng::derive(fnv1a(m.as_bytes()), 1).hex32()
                    } else {
                        m.to_string()
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Splits text into sentences after `.!?;` and their full-width forms, and at line breaks.
pub(crate) fn split_sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        let end = matches!(c, '.' | '!' | '?' | ';' | '。' | '！' | '？' | '；' | '\n');
        if c != '\n' {
            cur.push(c);
        }
        if end {
            let s = cur.trim();
            if !s.is_empty() {
                out.push(s.to_string());
            }
            cur.clear();
        }
    }
    let s = cur.trim();
    if !s.is_empty() {
        out.push(s.to_string());
    }
    out
}

/// A TTS-like duration estimate: ~0.25 s per CJK character, ~0.4 s per other word.
fn sentence_seconds(s: &str) -> f64 {
    let cjk = s.chars().filter(|c| (*c as u32) >= 0x2E80).count();
    let words = s
        .split(|c: char| c.is_whitespace() || (c as u32) >= 0x2E80)
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    (cjk as f64 * 0.25 + words as f64 * 0.4).max(1.0)
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_on_ascii_and_cjk_punctuation() {
        assert_eq!(
            split_sentences("Hello world. How are you?\nFine 好。再见！"),
            vec!["Hello world.", "How are you?", "Fine 好。", "再见！"]
        );
        assert!(split_sentences("  ").is_empty());
    }

    #[test]
    fn selection_has_one_entry_per_text_and_sentence() {
        let input =
            json!({"MediaArray": ["m1", "https://b.oss/x.mp4"], "SpeechTextArray": ["A. B.", "C"]});
        let v = smart_mix_selection(&input, 7);
        let list = v["textMatchMediaOutputList"].as_array().unwrap();
        assert_eq!(list.len(), 2);
        let first = list[0]["textMatchMediaSentenceOutputList"]
            .as_array()
            .unwrap();
        assert_eq!(first.len(), 2);
        assert_eq!(first[1]["text"], "B.");
        let clip = &first[0]["matchClipList"][0];
        assert!(clip["endTime"].as_f64().unwrap() > clip["startTime"].as_f64().unwrap());
        assert_eq!(
            v,
            smart_mix_selection(&input, 7),
            "deterministic under a seed"
        );
    }
}
