//! The resolved model every emitter works from: operations with typed, located parameters, named
//! types (with the module they live in), groups and pagination. Built by [`crate::resolve`];
//! ordering is deterministic (operations and groups sorted by name, fields in spec order).
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
    /// Every named struct; [`TypeRef::Named`] indexes into this.
    pub types: Vec<NamedType>,
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
}

impl Style {
    /// Attribute spelling for `#[ice(style = "...")]`; `None` for scalars.
    pub fn attr(self) -> Option<&'static str> {
        match self {
            Style::Scalar => None,
            Style::Json => Some("json"),
            Style::RepeatList => Some("repeatList"),
            Style::Flat => Some("flat"),
            Style::Simple => Some("simple"),
        }
    }
}

/// A value type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `i64`.
    Integer,
    /// `f64`.
    Number,
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
    /// A named struct: index into [`Api::types`].
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
}

impl Checks {
    /// Whether anything is checked at any depth (named types are handled separately).
    pub fn any(&self) -> bool {
        self.own.any() || self.inner.as_ref().is_some_and(|c| c.any())
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
    /// Required (request side only; response fields are always optional).
    pub required: bool,
    /// Deprecated in the spec.
    pub deprecated: bool,
    /// Description.
    pub docs: Option<String>,
    /// Checks.
    pub checks: Checks,
    /// Source pointer.
    pub pointer: String,
}

/// A request parameter: a field plus wire placement.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The field.
    pub field: Field,
    /// Query or form.
    pub location: Location,
    /// Serialization style.
    pub style: Style,
}

/// Which module a named type is emitted into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeHome {
    /// The submodule of operation `Api::operations[i]`.
    Operation(usize),
    /// The shared `components` module.
    Components,
}

/// A generated struct.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedType {
    /// Rust type name (unique within its home).
    pub name: String,
    /// Where it lives.
    pub home: TypeHome,
    /// Description.
    pub docs: Option<String>,
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// Used in a request (needs `Serialize` + `Validate`).
    pub in_request: bool,
    /// Used in a response (needs `Deserialize`).
    pub in_response: bool,
    /// Groups whose operations use it (components only; drives `cfg` gates).
    pub groups: Vec<String>,
    /// Source pointer.
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

/// How an operation pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// Flavour.
    pub kind: PageKind,
    /// Index of the request parameter carrying the token (Token) or page number (PageNumber).
    pub cursor_param: usize,
    /// Index of the request parameter carrying the page size.
    pub size_param: Option<usize>,
    /// Response path (field indices through nested structs) to the next token (Token).
    pub token_path: Vec<usize>,
    /// Response path to the total count, if any.
    pub total_path: Vec<usize>,
    /// Response path to the item list.
    pub items_path: Vec<usize>,
    /// Item type.
    pub item_ty: TypeRef,
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Action name.
    pub action: String,
    /// Rust submodule name.
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
    /// Parameters in spec order.
    pub params: Vec<Param>,
    /// Response fields (top level).
    pub response: Vec<Field>,
    /// Index of the `ClientToken` parameter, if any.
    pub client_token: Option<usize>,
    /// Pagination, if any.
    pub pagination: Option<Pagination>,
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
