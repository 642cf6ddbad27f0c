//! Generated JSON encoders for the overlay's config structs (`SmartMixInputConfig`,
//! `OutputConfig`, …), on top of the one-pass writer of the parent module.
//!
//! Those structs keep unknown keys in a `#[serde(flatten)] extra` map, which makes
//! `serde_derive` serialise them through `serialize_map` with every key a dynamic string: each
//! key goes through the string path (class scan, escape check, serde dispatch). `ice-codegen`
//! emits a [`DirectJson`] impl for each of them instead: one [`JsonObject`] call per field with
//! the key already written out as encoded text (`%22MediaArray%22%3A`, the same in both tables
//! since the codegen only does this for unreserved keys), values through the parent's
//! serializer or, for a field that is itself such a config (or a list of them), its own
//! encoder, then the `extra` entries as `flatten` writes them, then `}`. Byte for byte what
//! the `Serialize` impl produces through `serde_json`, and the same JSON length.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{PercentJson, Unsupported};

/// A type with a generated JSON encoder: [`write_json`](Self::write_json) writes exactly what
/// its `Serialize` impl writes through `serde_json` (the derive of `EncodeWire` takes this path
/// for fields marked `direct`).
#[doc(hidden)]
pub trait DirectJson: Serialize {
    /// Writes `self` as compact, percent-encoded JSON.
    fn write_json(&self, w: &mut JsonWriter<'_>) -> Result<(), Unsupported>;
}

/// A list of direct values: `[a,b]`, like `Serialize` for `Vec` (`[]` when empty).
impl<T: DirectJson> DirectJson for Vec<T> {
    fn write_json(&self, w: &mut JsonWriter<'_>) -> Result<(), Unsupported> {
        w.0.punct(b"%5B");
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                w.0.punct(b"%2C");
            }
            item.write_json(w)?;
        }
        w.0.punct(b"%5D");
        Ok(())
    }
}

/// Where a [`DirectJson`] impl writes.
#[doc(hidden)]
pub struct JsonWriter<'a>(pub(super) PercentJson<'a>);

impl<'a> JsonWriter<'a> {
    /// Opens an object (`{`).
    pub fn object(&mut self) -> JsonObject<'_, 'a> {
        self.0.punct(b"%7B");
        JsonObject {
            ser: &mut self.0,
            first: true,
        }
    }
}

/// An object being written: its fields, then [`end`](Self::end).
///
/// Keys are given encoded, as `%22Key%22%3A`, where `Key` is unreserved ASCII
/// (`[A-Za-z0-9._~-]`), so that the text is the same in both tables and its JSON length is
/// the encoded length less 6.
#[doc(hidden)]
pub struct JsonObject<'b, 'a> {
    ser: &'b mut PercentJson<'a>,
    first: bool,
}

impl JsonObject<'_, '_> {
    /// The `,` unless first, then the encoded key.
    #[inline]
    fn key(&mut self, encoded: &'static str) {
        if !self.first {
            self.ser.punct(b"%2C");
        }
        self.first = false;
        self.ser.out.extend_from_slice(encoded.as_bytes());
        // `%22` `Key` `%22` `%3A` stands for `"Key":`.
        self.ser.raw += encoded.len().saturating_sub(6);
    }

    /// A field, its value through `Serialize`.
    #[inline]
    pub fn field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.key(key);
        value.serialize(&mut *self.ser)
    }

    /// An optional field, left out when `None` (`skip_serializing_if = "Option::is_none"`).
    #[inline]
    pub fn opt<T: Serialize>(
        &mut self,
        key: &'static str,
        value: &Option<T>,
    ) -> Result<(), Unsupported> {
        match value {
            Some(v) => self.field(key, v),
            None => Ok(()),
        }
    }

    /// A field whose value has its own encoder.
    #[inline]
    pub fn direct<T: DirectJson + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.key(key);
        let mut nested = JsonWriter(self.ser.reborrow());
        value.write_json(&mut nested)?;
        let raw = nested.0.raw;
        self.ser.raw += raw;
        Ok(())
    }

    /// An optional field whose value has its own encoder, left out when `None`.
    #[inline]
    pub fn direct_opt<T: DirectJson>(
        &mut self,
        key: &'static str,
        value: &Option<T>,
    ) -> Result<(), Unsupported> {
        match value {
            Some(v) => self.direct(key, v),
            None => Ok(()),
        }
    }

    /// The `extra` entries, after the typed fields and in map order, as `#[serde(flatten)]`
    /// writes them; then `}`.
    pub fn end(mut self, extra: &Map<String, Value>) -> Result<(), Unsupported> {
        for (k, v) in extra {
            if !self.first {
                self.ser.punct(b"%2C");
            }
            self.first = false;
            self.ser.string(k);
            self.ser.punct(b"%3A");
            v.serialize(&mut *self.ser)?;
        }
        self.ser.punct(b"%7D");
        Ok(())
    }
}

impl<'a> PercentJson<'a> {
    /// The same buffer and table with a fresh JSON length, for a nested writer (the caller adds
    /// its length back).
    fn reborrow(&mut self) -> PercentJson<'_> {
        PercentJson {
            out: &mut *self.out,
            table: self.table,
            raw: 0,
        }
    }
}

/// The bench's seed request.
#[cfg(all(
    test,
    feature = "media-production",
    // The job operations and their configs exist only when the spec in use has them (a crate
    // regenerated from another metadata file may not).
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "SubmitSceneTimelineOrganizationJob",
    ice_op = "SubmitSceneBatchEditingJob",
    ice_op = "SubmitBatchMediaProducingJob"
))]
#[allow(dead_code)]
#[path = "../../../../benches/support/seed.rs"]
mod seed;

/// The generated encoders against `serde_json::to_string` + percent-encoding, in both tables:
/// every config fixture, documents with every key set, `extra` entries of every kind, strings
/// of every escape class, and the seed request through the client's encoder.
#[cfg(all(
    test,
    feature = "media-production",
    // The job operations and their configs exist only when the spec in use has them (a crate
    // regenerated from another metadata file may not).
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "SubmitSceneTimelineOrganizationJob",
    ice_op = "SubmitSceneBatchEditingJob",
    ice_op = "SubmitBatchMediaProducingJob"
))]
mod tests {
    use std::fmt::Debug;
    use std::path::Path;

    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    use serde::de::DeserializeOwned;
    use serde_json::{json, Map, Value};

    use super::super::tests::{strings, values};
    use super::super::write_direct;
    use super::{seed, DirectJson};
    use crate::media_production::*;
    use crate::runtime::operation::HttpMethod;
    use crate::runtime::sign::percent;
    use crate::runtime::wire::encoded::EncodedParams;
    use crate::{EncodeWire, WireParams};

    /// Asserts the direct path takes `value` (no fallback) and writes what the `serde_json`
    /// path writes, with the same JSON length, in both tables, after a prefix in the buffer.
    fn assert_direct<T: DirectJson + Debug>(value: &T) {
        let json = serde_json::to_string(value).unwrap();
        for form in [false, true] {
            let mut out = b"K=".to_vec();
            let raw = write_direct(&mut out, value, form).expect("taken by the direct path");
            let mut expected = b"K=".to_vec();
            percent::encode_bytes(&mut expected, &json, form);
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&expected),
                "form={form}: {value:?}"
            );
            assert_eq!(raw, json.len(), "form={form}: {value:?}");
        }
    }

    /// The configs' `extra`, for tests over every config type.
    trait Extra {
        fn extra_mut(&mut self) -> &mut Map<String, Value>;
    }

    /// Runs `$f::<T>` for the config type `T` named `$name`; `false` for another name.
    macro_rules! configs {
        ($($t:ident),* $(,)?) => {
            $(impl Extra for $t {
                fn extra_mut(&mut self) -> &mut Map<String, Value> {
                    &mut self.extra
                }
            })*

            fn check_named(name: &str, doc: &str) -> bool {
                match name {
                    $(stringify!($t) => check_doc::<$t>(doc),)*
                    _ => return false,
                }
                true
            }
        };
    }

    configs!(
        Media,
        SubHeading,
        Sticker,
        LibSearchCondition,
        MediaSearchInput,
        SmartMixInputConfig,
        HighlightIntroConfig,
        HighlightStrategy,
        HighlightsInputConfig,
        MediaGroup,
        ScriptInputConfig,
        TimeRange,
        MediaMetaData,
        MediaConfig,
        SpeechConfig,
        BackgroundMusicConfig,
        ProcessConfig,
        EditingConfig,
        OutputConfig,
        BatchEditingOutputConfig,
        UserData,
        MatchClip,
        SentenceMatch,
        TextMatch,
        MediaSelectResult,
        JobExtend,
    );

    /// Extra keys and values: every escape class, a key the model has too (flatten writes it
    /// again), floats, nesting.
    fn extras() -> Map<String, Value> {
        let all_ascii: String = (0..=0x7f_u8).map(char::from).collect();
        let mut m = Map::new();
        m.insert("Zeta".into(), json!(0.3));
        m.insert("a b+c".into(), json!("x y+z"));
        m.insert("q\"\\\u{1}\n".into(), json!(all_ascii));
        m.insert("中文".into(), json!(["夏天到了，轻装出发", "🎬"]));
        m.insert("MediaURL".into(), json!(1e300));
        m.insert(
            String::new(),
            json!({"n": [-0.0, 1e-7, i64::MIN, u64::MAX], "e": {}}),
        );
        m.insert("Null".into(), Value::Null);
        m
    }

    /// `doc` parsed as `T`: as it is, with `extra` entries, and with random `extra` entries.
    fn check_doc<T: DirectJson + DeserializeOwned + Extra + Debug>(doc: &str) {
        let Ok(mut value) = serde_json::from_str::<T>(doc) else {
            return;
        };
        assert_direct(&value);
        value.extra_mut().extend(extras());
        assert_direct(&value);
        let mut runner = TestRunner::deterministic();
        let (keys, vals) = (strings(), values());
        for _ in 0..20 {
            let k = keys.new_tree(&mut runner).unwrap().current();
            let v = vals.new_tree(&mut runner).unwrap().current();
            value.extra_mut().insert(k, v);
            assert_direct(&value);
        }
    }

    #[test]
    fn every_fixture_encodes_as_serde_json_does() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jobs");
        let mut seen = 0;
        for dir in [root.clone(), root.join("bad")] {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().and_then(|e| e.to_str()) != Some("json") {
                    continue;
                }
                let file = path.file_name().unwrap().to_str().unwrap();
                let name = file.split('.').next().unwrap();
                let doc = std::fs::read_to_string(&path).unwrap();
                assert!(check_named(name, &doc), "no config type for fixture {file}");
                seen += 1;
            }
        }
        assert!(seen >= 20, "{seen} fixtures");
    }

    /// Awkward strings for the typed string fields.
    const AWKWARD: [&str; 6] = [
        "a b+c&d=e/f?g#h%i",
        "\"quoted\" \\back\\slash",
        "\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f}\u{7f}",
        "夏天到了，轻装出发，把日落留在相册里。",
        "🎬👍🏽",
        "",
    ];

    /// Documents with every key of their type set (and nested configs with theirs).
    fn full_documents() -> Vec<(&'static str, Value)> {
        let s = |i: usize| json!(AWKWARD[i % AWKWARD.len()]);
        let media = json!({"MediaId": s(0), "MediaURL": s(1)});
        let sub_heading = json!({"Level": 2, "TitleArray": [s(2), s(3)]});
        let sticker = json!({"MediaId": s(4), "MediaURL": s(5), "X": 0.3, "Y": 1e300, "Width": 10,
            "Height": 2.5e-8, "DyncFrames": 7, "Opacity": -0.0});
        let time_range = json!({"In": 0.3, "Out": "12.5"});
        let meta =
            json!({"Media": s(1), "GroupName": s(2), "TimeRangeList": [time_range, time_range]});
        vec![
            (
                "SmartMixInputConfig",
                json!({
                    "MediaArray": [s(0), s(1), s(2)],
                    "MediaSearchInput": {"LibSearchCondition": {"SearchLibs": [s(3)], "SearchText": s(4)}},
                    "TitleArray": [s(5)], "SubHeadingArray": [sub_heading, sub_heading],
                    "SpeechTextArray": AWKWARD, "SceneInfo": {"k": [1, 0.3, null, s(2)]},
                    "StickerArray": [sticker], "BackgroundMusicArray": [s(3)],
                    "BackgroundMusic": s(4), "BackgroundImageArray": [s(5), s(0)],
                }),
            ),
            (
                "HighlightsInputConfig",
                json!({
                    "MediaArray": [s(0)],
                    "HighlightStrategy": {"IntroConfig": {"Mode": s(1)}, "TargetDuration": 0.3,
                        "PlotPacingType": s(2), "EnableActionRecog": true, "CustomActions": [s(3)]},
                    "OpeningArray": [media, media], "EndingArray": [], "TitleArray": [s(4)],
                    "SubHeadingArray": [sub_heading], "StickerArray": [sticker, sticker],
                    "BackgroundMusicArray": [s(5)], "BackgroundImageArray": [s(0)],
                }),
            ),
            (
                "ScriptInputConfig",
                json!({
                    "MediaGroupArray": [{"GroupName": s(1), "MediaArray": [s(2)], "SpeechTextArray": [s(3)],
                        "Duration": 1e300, "Volume": 0.3, "SplitMode": s(4), "DurationAutoAdapt": false}],
                    "TitleArray": [s(5)], "SubHeadingArray": [sub_heading], "SpeechTextArray": [s(0)],
                    "SpeechText": s(1), "StickerArray": [sticker], "BackgroundMusicArray": [s(2)],
                    "BackgroundImageArray": [s(3)],
                }),
            ),
            (
                "EditingConfig",
                json!({
                    "MediaConfig": {"Volume": 0, "MediaMetaDataArray": [meta]},
                    "SpeechConfig": {"Volume": "0.3", "Voice": s(0), "SpeechRate": -3, "Style": s(1),
                        "Gain": 1e300, "AsrConfig": {"a": s(2)}, "SpeechLanguage": s(3),
                        "CustomizedVoice": s(4), "SpecialWordsConfig": [s(5)]},
                    "BackgroundMusicConfig": {"Volume": 0.3, "Style": s(0), "Gain": -1.5},
                    "TitleConfig": {"t": s(1)}, "SubHeadingConfig": [null], "BackgroundImageConfig": 0.3,
                    "ProcessConfig": {"AlignmentMode": s(2), "EnableClipDetection": true,
                        "EnableTemporalOpt": false, "SingleShotDuration": 0.3, "AllowTransition": true,
                        "TransitionList": [s(3)], "UseUniformTransition": false, "TransitionDuration": 1e-7,
                        "AllowVfxEffect": true, "AllowFilter": true, "FilterList": [s(4), s(5)],
                        "ImageDuration": 3},
                }),
            ),
            (
                "OutputConfig",
                json!({"MediaURL": s(0), "Count": 2, "MaxDuration": 0.3,
                "FixedDuration": 1e300, "Width": 1080, "Height": 1920, "Video": {"Crf": 23},
                "GeneratePreviewOnly": true}),
            ),
            (
                "BatchEditingOutputConfig",
                json!({"MediaURL": s(1), "MaxDuration": 0.3,
                "Width": 1, "Height": 2, "Video": {"Fps": 30.5}}),
            ),
            ("UserData", json!({"NotifyAddress": s(2)})),
            (
                "MediaSelectResult",
                json!({"textMatchMediaOutputList": [{
                "textMatchMediaSentenceOutputList": [{"duration": 3.366667, "text": s(3),
                    "textId": s(4), "matchClipList": [{"clipId": s(5), "mediaId": s(0),
                    "startTime": 8.04, "endTime": 11.16, "score": -0.253}]}]}]}),
            ),
            (
                "JobExtend",
                json!({"ErrorCode": s(1), "ErrorMessage": s(2)}),
            ),
        ]
    }

    #[test]
    fn documents_with_every_key_encode_as_serde_json_does() {
        for (name, doc) in full_documents() {
            let text = doc.to_string();
            // Every key is typed: the documents really set fields, not `extra`.
            assert_eq!(typed_extra_len(name, &text), 0, "{name}");
            assert!(check_named(name, &text), "{name}");
        }
    }

    /// How many keys of `doc` land in `extra` when parsed as config `name`.
    fn typed_extra_len(name: &str, doc: &str) -> usize {
        macro_rules! len {
            ($($t:ident),*) => {
                match name {
                    $(stringify!($t) => serde_json::from_str::<$t>(doc).unwrap().extra.len(),)*
                    _ => panic!("{name}"),
                }
            };
        }
        len!(
            SmartMixInputConfig,
            HighlightsInputConfig,
            ScriptInputConfig,
            EditingConfig,
            OutputConfig,
            BatchEditingOutputConfig,
            UserData,
            MediaSelectResult,
            JobExtend
        )
    }

    #[test]
    fn seed_configs_take_the_direct_path() {
        let req = seed::request();
        let SceneMediaSelection::SmartMix {
            input_config,
            editing_config,
            output_config,
        } = &req.job
        else {
            panic!("the seed is a smart mix");
        };
        assert_direct(input_config);
        assert_direct(editing_config.as_ref().unwrap());
        assert_direct(output_config);
        assert_direct(req.user_data.as_ref().unwrap());
        assert_direct(&vec![output_config.clone(), output_config.clone()]);
        assert_direct(&Vec::<UserData>::new());
    }

    /// The whole seed request through the client's encoder (which takes the generated
    /// encoders) against the decoded pairs, joined and percent-encoded.
    #[test]
    fn the_seed_request_encodes_as_the_decoded_path_does() {
        let req = seed::request();
        let mut encoded = EncodedParams::new(HttpMethod::Post);
        req.encode_to(&mut encoded).unwrap();
        let mut decoded = WireParams::new();
        req.encode_wire(&mut decoded).unwrap();
        for (k, v) in decoded.query().iter().chain(decoded.form()) {
            assert_eq!(encoded.raw_len(k), Some(v.len()), "{k}");
        }
        let joined = encoded.finish().unwrap().unwrap();
        assert_eq!(joined.query, percent::canonical_query(decoded.query()));
        assert_eq!(
            joined.body.as_deref(),
            Some(percent::form_body(decoded.form()).as_bytes())
        );
    }
}
