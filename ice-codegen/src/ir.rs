//! The one resolved model every emitter works from: operations with typed, located parameters
//! and responses; every named type of the crate (spec objects, spec components and the overlay's
//! typed configs, enums and JobType unions) with a crate-wide unique name and the module it lives
//! in; groups, pagination and waiters. Built by [`crate::resolve`]; ordering is deterministic
//! (operations sorted by action, groups by feature, fields in spec order).
//!
//! Decisions on ambiguous spec input (documented here because emitters rely on them):
//! - `style: json` is accepted on objects, arrays and `any`; on a string/number/boolean it is an
//!   error (the wire form — a JSON-quoted scalar — is almost certainly not what the API wants).
//! - `repeatList` and `simple` need an array; `flat` needs an array or object; `xml` is rejected
//!   for RPC.
//! - An object or array parameter without `style` is treated as `flat` (the Alibaba SDK passes such
//!   values to `Utils.query`, which flattens them).
//! - `in: path | body | header | host` is an error for RPC APIs; ICE uses query and formData only.
//! - Integers are `i64`, numbers `f64`; `format` is kept in docs only.
//! - Response fields are optional unless the overlay declares them required.

/// The whole resolved API.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Product code (`ICE`).
    pub product: String,
    /// API version (`2020-11-09`).
    pub version: String,
    /// Operation groups (cargo features), sorted by name.
    pub groups: Vec<Group>,
    /// Groups in the `default` feature.
    pub default_features: Vec<String>,
    /// Operations sorted by action.
    pub operations: Vec<Operation>,
    /// Every named type; [`TypeRef::Named`] indexes into this.
    pub types: Vec<NamedType>,
    /// Operations (indices) whose types `ice_api::prelude` re-exports.
    pub prelude: Vec<usize>,
    /// Hand-written rules (`ice-api/src/checks.rs`) by name → what each checks, in words.
    pub rules: std::collections::BTreeMap<String, String>,
}

/// One cargo feature / generated module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Feature name, kebab-case (`media-production`).
    pub feature: String,
    /// Module name, snake_case (`media_production`).
    pub module: String,
    /// Description for docs.
    pub description: String,
}

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
}

/// Authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// AccessKey signature.
    AccessKey,
    /// Unsigned.
    Anonymous,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// Query string.
    Query,
    /// Form body.
    Form,
}

/// How a parameter is serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Plain scalar.
    Scalar,
    /// One compact JSON string.
    Json,
    /// `Name.1`, `Name.2`, ….
    RepeatList,
    /// `Name.Key`, `Name.1.Key`.
    Flat,
    /// Comma-joined.
    Simple,
    /// A JobType union: its own parameters are inlined.
    Flatten,
}

impl Style {
    /// Attribute spelling for `#[ice(style = "...")]`; `None` for scalars and unions.
    pub fn attr(self) -> Option<&'static str> {
        match self {
            Style::Scalar | Style::Flatten => None,
            Style::Json => Some("json"),
            Style::RepeatList => Some("repeatList"),
            Style::Flat => Some("flat"),
            Style::Simple => Some("simple"),
        }
    }
}

/// A value type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `i64`.
    Integer,
    /// `f64`.
    Number,
    /// A JSON number that keeps its written form (`ice_api::Number`).
    Decimal,
    /// A number or a string holding one (`ice_api::NumberOrString`).
    NumberOrString,
    /// `bool`.
    Boolean,
    /// `serde_json::Value` (`type: any`).
    Any,
    /// `serde_json::Map<String, Value>` (free-form object).
    FreeObject,
    /// `Vec<T>`.
    List(Box<TypeRef>),
    /// `BTreeMap<String, T>` (`additionalProperties`).
    Map(Box<TypeRef>),
    /// A response string holding a JSON document of type `T`, parsed on demand.
    JsonString(Box<TypeRef>),
    /// A named type: index into [`Api::types`].
    Named(usize),
}

/// Checks enforced by the generated `Validate` impl.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Constraints {
    /// Minimum length in characters.
    pub min_length: Option<u64>,
    /// Maximum length in characters.
    pub max_length: Option<u64>,
    /// Inclusive minimum.
    pub minimum: Option<f64>,
    /// Inclusive maximum.
    pub maximum: Option<f64>,
    /// Minimum list length.
    pub min_items: Option<u64>,
    /// Maximum list length.
    pub max_items: Option<u64>,
    /// Allowed string values.
    pub enum_values: Vec<String>,
    /// Declared pattern (documented, not enforced: no regex engine in the runtime).
    pub pattern: Option<String>,
}

impl Constraints {
    /// Whether any enforced check is present.
    pub fn any(&self) -> bool {
        self.min_length.is_some()
            || self.max_length.is_some()
            || self.minimum.is_some()
            || self.maximum.is_some()
            || self.min_items.is_some()
            || self.max_items.is_some()
            || !self.enum_values.is_empty()
    }
}

/// The element-level shape of a field: its own constraints plus those of list items / map values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Checks {
    /// Constraints on the value itself.
    pub own: Constraints,
    /// Checks on each list item or map value.
    pub inner: Option<Box<Checks>>,
    /// Hand-written rules (`ice-api/src/checks.rs` function names) applied to the value.
    pub rules: Vec<String>,
}

impl Checks {
    /// Whether anything is checked at any depth (named types are handled separately).
    pub fn any(&self) -> bool {
        self.own.any() || !self.rules.is_empty() || self.inner.as_ref().is_some_and(|c| c.any())
    }
}

/// A field of a request, a response or a named struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Wire / JSON name.
    pub wire_name: String,
    /// Rust identifier (without `r#`).
    pub rust_name: String,
    /// Type.
    pub ty: TypeRef,
    /// Required: a constructor argument (requests) or a plain field whose absence is a decode
    /// error (responses).
    pub required: bool,
    /// Deprecated in the spec.
    pub deprecated: bool,
    /// Description.
    pub docs: Option<String>,
    /// Checks.
    pub checks: Checks,
    /// Source pointer (`file#pointer` of the spec or overlay).
    pub pointer: String,
}

/// A request parameter: a field plus wire placement.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The field.
    pub field: Field,
    /// Query or form (ignored for [`Style::Flatten`]).
    pub location: Location,
    /// Serialization style.
    pub style: Style,
}

/// Which module a named type is emitted into.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeHome {
    /// The module of this group (feature name): only its operations use the type.
    Group(String),
    /// The shared `components` module: used by several groups, or by none.
    Components,
}

/// A named constructor of an overlay struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Ctor {
    /// Function name.
    pub name: String,
    /// Field indices it takes besides the required ones.
    pub args: Vec<usize>,
    /// Description.
    pub docs: String,
}

/// "Between `min` and `max` of these keys may be present."
#[derive(Debug, Clone, PartialEq)]
pub struct OneOf {
    /// JSON keys (typed fields or `extra` keys).
    pub keys: Vec<String>,
    /// Fewest present.
    pub min: u64,
    /// Most present.
    pub max: Option<u64>,
    /// Why, for the violation message.
    pub why: String,
}

/// One value of an open enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// Wire value.
    pub value: String,
    /// Rust variant name.
    pub rust: String,
    /// Description.
    pub docs: String,
}

/// One variant of an untagged sum.
#[derive(Debug, Clone, PartialEq)]
pub struct UntaggedVariant {
    /// Rust variant name.
    pub rust: String,
    /// The struct it holds.
    pub ty: usize,
    /// Description.
    pub docs: String,
}

/// One JobType of a union, with the parameters it sends.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// Rust variant name.
    pub rust: String,
    /// Wire value of the tag.
    pub value: String,
    /// Constructor function name.
    pub constructor: String,
    /// Description.
    pub docs: String,
    /// A Rust doctest body.
    pub example: Option<String>,
    /// The variant's parameters (typed spec parameters).
    pub params: Vec<Param>,
}

/// What a named type is.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A struct from the spec (object schema or component).
    Object,
    /// A struct declared in the overlay: keeps unknown keys in `extra`, may have rules.
    Config {
        /// Parsed from responses only: every field optional, no builder, no validation.
        parse_only: bool,
        /// Named constructors (empty: `new`).
        constructors: Vec<Ctor>,
        /// Key-count rules.
        one_of: Vec<OneOf>,
        /// Hand-written type rules.
        rules: Vec<String>,
        /// Limit on the compact JSON size.
        max_json_bytes: Option<u64>,
        /// A JSON example.
        example: Option<String>,
    },
    /// An open string enum (`Unknown(String)` fallback).
    Enum {
        /// Known values.
        values: Vec<EnumValue>,
    },
    /// A sum of config structs, serialized as the variant's own JSON.
    Untagged {
        /// Variants.
        variants: Vec<UntaggedVariant>,
    },
    /// A JobType-discriminated set of request parameters.
    Union {
        /// Wire name of the tag parameter.
        tag: String,
        /// Where the tag travels.
        tag_location: Location,
        /// Description of the tag parameter (from the spec).
        tag_docs: Option<String>,
        /// Variants.
        variants: Vec<UnionVariant>,
    },
}

/// A generated type.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedType {
    /// Rust type name, unique in the generated crate.
    pub name: String,
    /// Where it lives.
    pub home: TypeHome,
    /// Description.
    pub docs: Option<String>,
    /// Struct fields in order (empty for enums and unions).
    pub fields: Vec<Field>,
    /// What it is.
    pub kind: TypeKind,
    /// Used in a request (needs `Serialize` + `Validate`).
    pub in_request: bool,
    /// Used in a response (needs `Deserialize`).
    pub in_response: bool,
    /// Groups whose operations use it (drives `cfg` gates in `components`).
    pub groups: Vec<String>,
    /// Source pointer (`file#pointer`).
    pub pointer: String,
}

/// Pagination flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// `NextToken` + `MaxResults` (or a similar token/size pair).
    Token,
    /// `PageNo`/`PageNumber` + `PageSize`.
    PageNumber,
}

/// A path into a response: field indices through nested structs; a `JsonString` field on the way
/// is parsed.
pub type FieldPath = Vec<usize>;

/// How an operation pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// Flavour.
    pub kind: PageKind,
    /// Index of the request parameter carrying the token (Token) or page number (PageNumber).
    pub cursor_param: usize,
    /// Index of the request parameter carrying the page size.
    pub size_param: Option<usize>,
    /// Response path to the next token (Token).
    pub token_path: FieldPath,
    /// Response path to the total count, if any.
    pub total_path: FieldPath,
    /// Response path to the item list.
    pub items_path: FieldPath,
    /// Item type.
    pub item_ty: TypeRef,
}

/// A modeled waiter on a poll operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiter {
    /// What the job is called in messages.
    pub job: String,
    /// Request parameter holding the job id.
    pub id_param: usize,
    /// Response path of the status.
    pub status: FieldPath,
    /// Statuses that end the wait successfully.
    pub success: Vec<String>,
    /// Statuses of a failed job.
    pub failure: Vec<String>,
    /// Sub-jobs: (path of the list, field index of the item status, success, failure statuses).
    pub sub_jobs: Option<SubJobs>,
    /// Response path of the error code.
    pub error_code: Option<FieldPath>,
    /// Response path of the error message.
    pub error_message: Option<FieldPath>,
}

/// The sub-jobs of a waiter.
#[derive(Debug, Clone, PartialEq)]
pub struct SubJobs {
    /// Response path of the list.
    pub list: FieldPath,
    /// Named type of the items.
    pub item: usize,
    /// Field index of the item status.
    pub status: usize,
    /// Item statuses that count as succeeded.
    pub success: Vec<String>,
    /// Item statuses that count as failed.
    pub failure: Vec<String>,
}

/// A submit operation whose response starts a job another operation polls.
#[derive(Debug, Clone, PartialEq)]
pub struct Starts {
    /// The poll operation (index into [`Api::operations`]).
    pub poll: usize,
    /// Response path of the job id (required, a string).
    pub id: FieldPath,
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Action name.
    pub action: String,
    /// snake_case of the action.
    pub module: String,
    /// Group feature name.
    pub group: String,
    /// HTTP method.
    pub method: Method,
    /// Authentication.
    pub auth: Auth,
    /// Safe to re-send.
    pub idempotent: bool,
    /// Deprecated.
    pub deprecated: bool,
    /// Summary/description.
    pub docs: Option<String>,
    /// A Rust doctest body (from the overlay).
    pub example: Option<String>,
    /// Parameters in spec order (a union replaces its tag and variant parameters, in the place of
    /// the first of them).
    pub params: Vec<Param>,
    /// Response fields (top level).
    pub response: Vec<Field>,
    /// Whether the declared response has its own top-level `Code` field (so a 2xx body with a
    /// `Code` is not necessarily the gateway's error envelope).
    pub response_declares_code: bool,
    /// Index of the `ClientToken` parameter, if any.
    pub client_token: Option<usize>,
    /// Pagination, if any.
    pub pagination: Option<Pagination>,
    /// The waiter this operation polls for, if any.
    pub waiter: Option<Waiter>,
    /// The job this operation starts, if any.
    pub starts: Option<Starts>,
    /// Source pointer.
    pub pointer: String,
}

impl Operation {
    /// `<Action>Request`.
    pub fn request_name(&self) -> String {
        format!("{}Request", self.action)
    }

    /// `<Action>Response`.
    pub fn response_name(&self) -> String {
        format!("{}Response", self.action)
    }
}

impl Api {
    /// Whether a value of `ty` has an empty default (an object of optional fields, a string, a
    /// number, a list, …): what a lenient decoder fills in when the key is absent.
    pub fn has_default(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(i) => self.types.get(*i).is_some_and(|t| {
                matches!(t.kind, TypeKind::Object | TypeKind::Config { .. })
                    && t.fields.iter().all(|f| !f.required)
            }),
            TypeRef::Decimal | TypeRef::NumberOrString => false,
            _ => true,
        }
    }

    /// Whether decoding a response fails without field `f` of type `t`. A typed config decodes
    /// as strictly as it is built. Otherwise, a field required by the request side of a type that
    /// responses also carry is lenient when its type has a default (the service may leave it out
    /// when echoing); everything else required is required.
    pub fn required_in_responses(&self, t: &NamedType, f: &Field) -> bool {
        let config = matches!(t.kind, TypeKind::Config { .. });
        f.required && (config || !(t.in_request && t.in_response && self.has_default(&f.ty)))
    }

    /// The fields of named type `i` (empty for enums and unions).
    pub fn fields_of(&self, i: usize) -> &[Field] {
        self.types
            .get(i)
            .map(|t| t.fields.as_slice())
            .unwrap_or(&[])
    }

    /// The field a response path ends at.
    pub fn field_at<'a>(&'a self, top: &'a [Field], path: &[usize]) -> Option<&'a Field> {
        let mut fields = top;
        let mut last = None;
        for &i in path {
            let f = fields.get(i)?;
            last = Some(f);
            fields = match &f.ty {
                TypeRef::Named(n) => self.fields_of(*n),
                TypeRef::JsonString(inner) => match &**inner {
                    TypeRef::Named(n) => self.fields_of(*n),
                    _ => &[],
                },
                _ => &[],
            };
        }
        last
    }
}
