//! Typed model of Alibaba's "api-docs" metadata, as loaded (not yet resolved). Every node keeps the
//! JSON pointer it came from so later stages can report errors precisely. Keys the SDK does not use
//! (`enumValueTitles`, `example`, `systemTags`, `errorCodes`, …) are ignored by the loader.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// A whole api-docs file.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// Where it was read from.
    pub file: PathBuf,
    /// `info`.
    pub info: Info,
    /// `apis`, by action name.
    pub apis: BTreeMap<String, Api>,
    /// `components.schemas`, by name.
    pub components: BTreeMap<String, Schema>,
}

/// `info`: API style, product code and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// `RPC` or `ROA`.
    pub style: String,
    /// Product code, e.g. `ICE`.
    pub product: String,
    /// API version, e.g. `2020-11-09`.
    pub version: String,
}

/// One operation (`apis.<Action>`).
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// JSON pointer of the operation.
    pub pointer: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `path` (ROA template; empty or `/` for RPC).
    pub path: Option<String>,
    /// `methods`, lower case as written.
    pub methods: Vec<String>,
    /// Names of the `security` schemes (`AK`, `Anonymous`, `PrivateKey`, …).
    pub security: Vec<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// `parameters`, in file order.
    pub parameters: Vec<Parameter>,
    /// `responses`, by HTTP status.
    pub responses: BTreeMap<String, Response>,
}

/// Where a parameter travels (`in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ParamIn {
    /// `query`.
    Query,
    /// `formData`.
    FormData,
    /// `body` (ROA).
    Body,
    /// `path` (ROA).
    Path,
    /// `header`.
    Header,
    /// `host`.
    Host,
}

impl ParamIn {
    /// The spelling used in api-docs.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamIn::Query => "query",
            ParamIn::FormData => "formData",
            ParamIn::Body => "body",
            ParamIn::Path => "path",
            ParamIn::Header => "header",
            ParamIn::Host => "host",
        }
    }
}

/// How a non-scalar parameter is serialized (`style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ParamStyle {
    /// One compact JSON string.
    Json,
    /// `Name.1`, `Name.2`, … (and `Name.1.Key` for object items).
    RepeatList,
    /// `Name.Key` / `Name.1.Key`.
    Flat,
    /// Comma-joined list.
    Simple,
    /// XML (a few ROA products).
    Xml,
}

impl ParamStyle {
    /// The spelling used in api-docs.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamStyle::Json => "json",
            ParamStyle::RepeatList => "repeatList",
            ParamStyle::Flat => "flat",
            ParamStyle::Simple => "simple",
            ParamStyle::Xml => "xml",
        }
    }
}

/// One request parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// JSON pointer of the parameter.
    pub pointer: String,
    /// Wire name.
    pub name: String,
    /// `in`.
    pub location: ParamIn,
    /// `style`, when present.
    pub style: Option<ParamStyle>,
    /// `schema`.
    pub schema: Schema,
}

/// One response (`responses.<status>`).
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// JSON pointer of the response.
    pub pointer: String,
    /// `schema`, when present.
    pub schema: Option<Schema>,
}

/// A JSON-Schema-like node.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// JSON pointer of this node.
    pub pointer: String,
    /// The type (or reference).
    pub kind: SchemaKind,
    /// `description`.
    pub description: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `required` (a boolean on each node in api-docs).
    pub required: Option<bool>,
    /// `deprecated`.
    pub deprecated: bool,
    /// `format`.
    pub format: Option<String>,
    /// `enum`, stringified.
    pub enum_values: Vec<String>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `minimum` (a string in api-docs).
    pub minimum: Option<f64>,
    /// `maximum` (a string in api-docs).
    pub maximum: Option<f64>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
}

/// What a schema node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaKind {
    /// `$ref` to `#/components/schemas/<Name>`; holds the full reference string.
    Ref(String),
    /// `string`.
    String,
    /// `integer`.
    Integer,
    /// `number`.
    Number,
    /// `boolean`.
    Boolean,
    /// `any`.
    Any,
    /// `array` with `items`.
    Array(Box<Schema>),
    /// `object`: declared properties (file order) and `additionalProperties`. With neither, a
    /// free-form object.
    Object {
        /// `properties`.
        properties: Vec<(String, Schema)>,
        /// `additionalProperties` as a schema.
        additional: Option<Box<Schema>>,
    },
}
