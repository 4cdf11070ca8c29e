//! The server side of the schema's commands: a trait to implement, the list of commands, and a
//! dispatcher from a request to its reply.
//!
//! For a schema with `guest-ping` (no arguments, no `returns`) and `guest-file-read`:
//!
//! ```text
//! pub trait Server {  // `Server_` if the schema has a type `Server`
//!     fn guest_ping(&self) -> Result<(), ::qapi_runtime::QapiError> { Err(unsupported()) }
//!     fn guest_file_read(&self, args: GuestFileReadArgs)
//!         -> Result<GuestFileRead, ::qapi_runtime::QapiError> { … }
//! }
//! pub const COMMANDS: &[::qapi_runtime::dispatch::CommandInfo] = &[ … ];
//! pub fn dispatch<S: Server + ?Sized>(
//!     server: &S,
//!     table: &::qapi_runtime::dispatch::CommandTable,
//!     request: ::serde_json::Value,
//! ) -> Option<::serde_json::Value>
//! ```
//!
//! - Every method has a default body answering QEMU's `QERR_UNSUPPORTED` ("this feature or
//!   command is not currently supported"), so a server implements only what it supports and
//!   a schema that grows a command does not break it.
//! - Arguments: none for a command without `data`; `{Command}Args` for inline `data`; the named
//!   type itself for `'data': 'Type'` (with or without `boxed`, a union included), so the
//!   signature names the type a reader knows. A `'gen': false` command takes the raw
//!   `arguments` object, as QEMU hands such commands their `QDict` to decode by hand.
//! - `dispatch` checks the envelope with `CommandTable::accept`, then runs one `match` on the
//!   command name: decode with `::qapi_runtime::strict::from_arguments` (or check there are no
//!   arguments with `no_arguments`), call the method, encode the result. A command without
//!   `returns` answers `{"return": {}}`; `success-response: false` answers nothing on success.
//! - `deprecated` commands: the method is *not* `#[deprecated]`, because implementing it is
//!   what a server must do while the command exists and an attribute there would only warn on
//!   the dispatcher's own call. Its docs say it is deprecated (as its `{Command}Args`, which is
//!   `#[deprecated]`, does); the trait's method and the dispatcher allow the lint where they
//!   name that type. `CommandInfo::deprecated` lets a table reject them by policy.
//! - A command's `if` becomes `#[cfg]` on its method, its `COMMANDS` entry and its arm; a
//!   command compiled out is unknown (`CommandNotFound`), as in a QEMU built without it.
//! - `allow-preconfig` and `coroutine` describe QEMU's main loop and have no meaning here.

use super::docs::{self, Markdown};
use crate::plan::{is_deprecated, CommandDocs, Plan};
use proc_macro2::TokenStream;
use qapi_gen_parser::model::{Command, CommandId, Implicit, Type, TypeId};
use quote::{format_ident, quote};

/// QEMU's `QERR_UNSUPPORTED`, which the default bodies answer (through
/// `::qapi_runtime::dispatch::unsupported`); written here for the trait's docs.
const UNSUPPORTED: &str = "this feature or command is not currently supported";

/// How a command's arguments reach its method.
enum Arguments {
    /// No `data`: the method takes no arguments; any member is unexpected.
    None,
    /// Decoded strictly into this type.
    Typed { ty: TokenStream },
    /// `'gen': false`: the raw `arguments` object.
    Raw,
}

/// The trait, the command list and the dispatcher of the whole schema; nothing when it has no
/// commands.
pub fn emit(plan: &Plan<'_>) -> TokenStream {
    let schema = plan.schema;
    let selection = &plan.selection;
    if !schema.commands().any(|(id, _)| selection.has_command(id)) {
        return TokenStream::new();
    }
    let trait_ident = format_ident!("{}", plan.server_trait);
    let mut methods = Vec::new();
    let mut infos = Vec::new();
    let mut arms = Vec::new();
    let mut touches_deprecated = false;
    for (id, command) in schema
        .commands()
        .filter(|(id, _)| selection.has_command(*id))
    {
        let arguments = arguments(plan, id, command);
        let deprecated = signature_is_deprecated(plan, command);
        touches_deprecated |= deprecated;
        methods.push(emit_method(plan, id, command, &arguments, deprecated));
        infos.push(emit_info(plan, command));
        arms.push(emit_arm(plan, id, command, &arguments));
    }
    let allow = if touches_deprecated {
        quote! { #[allow(deprecated)] }
    } else {
        TokenStream::new()
    };
    let mut trait_doc = Markdown::new();
    trait_doc.line("The server side of the schema's commands: one method per command.");
    trait_doc.line(format!(
        "Implement the commands the server supports; the others answer `GenericError` \
         \"{UNSUPPORTED}\". Run requests with [`dispatch`]."
    ));
    let trait_doc = trait_doc.into_attrs();
    quote! {
        #trait_doc
        pub trait #trait_ident {
            #(#methods)*
        }

        /// Every command of the schema, for `::qapi_runtime::dispatch::CommandTable::new`.
        pub const COMMANDS: &[::qapi_runtime::dispatch::CommandInfo] = &[
            #(#infos)*
        ];

        /// Answers one request: checks its envelope against `table`, decodes the arguments
        /// strictly, runs the command on `server` and returns the reply to send, if any.
        #allow
        pub fn dispatch<S: #trait_ident + ?Sized>(
            server: &S,
            table: &::qapi_runtime::dispatch::CommandTable,
            request: ::serde_json::Value,
        ) -> ::core::option::Option<::serde_json::Value> {
            let mut call = match table.accept(request) {
                Ok(call) => call,
                Err(reply) => return Some(reply),
            };
            let result = match call.command() {
                #(#arms)*
                name => Err(::qapi_runtime::QapiError::command_not_found(name)),
            };
            call.reply(result)
        }
    }
}

/// How command `id` takes its arguments.
fn arguments(plan: &Plan<'_>, id: CommandId, command: &Command) -> Arguments {
    let Some(arg_type) = command.arg_type else {
        return Arguments::None;
    };
    if !command.gen {
        return Arguments::Raw;
    }
    let implicit = plan
        .schema
        .ty(arg_type)
        .as_object()
        .and_then(|object| object.implicit.as_ref());
    match implicit {
        Some(Implicit::Empty) => Arguments::None,
        // A command's implicit object is always its arguments; a union's base cannot be one.
        Some(Implicit::Arguments { .. } | Implicit::Base { .. }) => {
            let ident = plan.names.command_args(id);
            Arguments::Typed {
                ty: quote! { #ident },
            }
        }
        None => Arguments::Typed {
            ty: plan.type_ref(arg_type),
        },
    }
}

/// Whether the method's signature names a `#[deprecated]` type: the `{Command}Args` of a
/// deprecated command, or a deprecated argument or return type (in an array too).
fn signature_is_deprecated(plan: &Plan<'_>, command: &Command) -> bool {
    let type_is_deprecated = |id: TypeId| {
        let ty = match plan.schema.ty(id) {
            Type::Array(array) => plan.schema.ty(array.element),
            ty => ty,
        };
        match ty {
            Type::Object(object) if object.implicit.is_some() => false,
            ty => is_deprecated(ty.features()),
        }
    };
    let implicit_args = command.arg_type.is_some_and(|id| {
        matches!(
            plan.schema
                .ty(id)
                .as_object()
                .and_then(|object| object.implicit.as_ref()),
            Some(Implicit::Arguments { .. })
        )
    });
    (implicit_args && command.gen && is_deprecated(&command.features))
        || command.arg_type.is_some_and(type_is_deprecated)
        || command.ret_type.is_some_and(type_is_deprecated)
}

/// The Rust type a command's method returns on success.
fn return_type(plan: &Plan<'_>, command: &Command) -> TokenStream {
    match command.ret_type {
        Some(ret_type) => plan.type_ref(ret_type),
        None => quote! { () },
    }
}

/// One trait method, with a default body answering `QERR_UNSUPPORTED`.
fn emit_method(
    plan: &Plan<'_>,
    id: CommandId,
    command: &Command,
    arguments: &Arguments,
    deprecated: bool,
) -> TokenStream {
    let Command {
        name,
        arg_type: _,
        ret_type: _,
        boxed: _,
        gen: _,
        success_response,
        allow_oob: _,
        allow_preconfig: _,
        coroutine: _,
        cond,
        features,
        doc,
        span: _,
        module: _,
    } = command;
    let method = plan.names.command_method(id);
    let ret = return_type(plan, command);
    let note = (!success_response).then_some(
        "It sends no reply when it succeeds (`success-response: false`): the result is dropped.",
    );
    let intro = format!("The command `{name}`");
    let docs = match plan.command_docs(command) {
        CommandDocs::ServerMethod => docs::command(
            format!("{intro}."),
            doc.as_ref(),
            note,
            features,
            cond.as_ref(),
        ),
        _ => docs::command_link(&intro, &plan.command_docs_link(id, command), note),
    };
    let cfg = plan.cfg.attr(cond.as_ref());
    let allow = if deprecated {
        quote! { #[allow(deprecated)] }
    } else {
        TokenStream::new()
    };
    let (parameter, discard) = match arguments {
        Arguments::None => (TokenStream::new(), TokenStream::new()),
        Arguments::Typed { ty } => (quote! { , args: #ty }, quote! { let _ = args; }),
        Arguments::Raw => (
            quote! { , args: ::serde_json::Map<::std::string::String, ::serde_json::Value> },
            quote! { let _ = args; },
        ),
    };
    quote! {
        #docs
        #cfg
        #allow
        fn #method(&self #parameter) -> ::core::result::Result<#ret, ::qapi_runtime::QapiError> {
            #discard
            Err(::qapi_runtime::dispatch::unsupported())
        }
    }
}

/// The command's entry of `COMMANDS`.
fn emit_info(plan: &Plan<'_>, command: &Command) -> TokenStream {
    let name = &command.name;
    let success_response = command.success_response;
    let allow_oob = command.allow_oob;
    let deprecated = is_deprecated(&command.features);
    let cfg = plan.cfg.attr(command.cond.as_ref());
    quote! {
        #cfg
        ::qapi_runtime::dispatch::CommandInfo {
            name: #name,
            success_response: #success_response,
            allow_oob: #allow_oob,
            deprecated: #deprecated,
        },
    }
}

/// The command's arm of the dispatcher's `match`: decode, call, encode.
fn emit_arm(
    plan: &Plan<'_>,
    id: CommandId,
    command: &Command,
    arguments: &Arguments,
) -> TokenStream {
    let name = &command.name;
    let method = plan.names.command_method(id);
    let cfg = plan.cfg.attr(command.cond.as_ref());
    let call = match arguments {
        Arguments::None => quote! {
            ::qapi_runtime::strict::no_arguments(call.arguments())
                .and_then(|()| server.#method())
        },
        Arguments::Typed { ty } => quote! {
            ::qapi_runtime::strict::from_arguments::<#ty>(call.take_arguments())
                .and_then(|args| server.#method(args))
        },
        Arguments::Raw => quote! { server.#method(call.take_arguments()) },
    };
    let encode = match command.ret_type {
        Some(_) => quote! { .and_then(|value| ::qapi_runtime::dispatch::encode_return(&value)) },
        None => quote! { .map(|()| ::qapi_runtime::dispatch::empty_return()) },
    };
    quote! {
        #cfg
        #name => #call #encode,
    }
}

#[cfg(test)]
mod tests {
    use crate::Builder;
    use std::fs;
    use std::path::PathBuf;

    /// Generates the code for `schema`, written to a file of its own under the temporary
    /// directory, with `configure` applied to the builder.
    fn generate_with(test: &str, schema: &str, configure: impl Fn(&mut Builder)) -> String {
        let dir: PathBuf = std::env::temp_dir().join(format!(
            "qapi-codegen-dispatch-{}-{test}",
            std::process::id()
        ));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("schema.json");
        fs::write(&path, schema).unwrap();
        let mut builder = Builder::new(&path);
        configure(&mut builder);
        let text = builder.generate_to_string().unwrap();
        fs::remove_dir_all(&dir).unwrap();
        text
    }

    fn generate(test: &str, schema: &str) -> String {
        generate_with(test, schema, |_| {})
    }

    /// The text from the line that starts with `start` to the next line that is exactly
    /// `end`, both included.
    fn item<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
        let begin = text
            .find(&format!("\n{start}"))
            .unwrap_or_else(|| panic!("no `{start}` in:\n{text}"))
            + 1;
        let length = text[begin..]
            .find(&format!("\n{end}\n"))
            .unwrap_or_else(|| panic!("no end `{end}` after `{start}` in:\n{text}"));
        &text[begin..begin + length + 1 + end.len()]
    }

    const SCHEMA: &str = r#"
{ 'struct': 'GuestFileRead', 'data': { 'count': 'int', 'eof': 'bool' } }
{ 'command': 'guest-ping' }
{ 'command': 'guest-file-read', 'data': { 'handle': 'int', '*count': 'int' },
  'returns': 'GuestFileRead' }
{ 'command': 'guest-shutdown', 'data': { '*mode': 'str' }, 'success-response': false }
{ 'command': 'x-oob', 'allow-oob': true }
"#;

    #[test]
    fn trait_has_one_method_per_command_with_a_default_body() {
        let text = generate("trait", SCHEMA);
        assert_eq!(
            item(&text, "pub trait Server {", "}"),
            r#"pub trait Server {
    /// The command `guest-ping`: see [`Client::guest_ping`].
    fn guest_ping(&self) -> ::core::result::Result<(), ::qapi_runtime::QapiError> {
        Err(::qapi_runtime::dispatch::unsupported())
    }
    /// The command `guest-file-read`: see [`GuestFileReadArgs`].
    fn guest_file_read(
        &self,
        args: GuestFileReadArgs,
    ) -> ::core::result::Result<GuestFileRead, ::qapi_runtime::QapiError> {
        let _ = args;
        Err(::qapi_runtime::dispatch::unsupported())
    }
    /// The command `guest-shutdown`: see [`GuestShutdownArgs`].
    ///
    /// It sends no reply when it succeeds (`success-response: false`): the result is dropped.
    fn guest_shutdown(
        &self,
        args: GuestShutdownArgs,
    ) -> ::core::result::Result<(), ::qapi_runtime::QapiError> {
        let _ = args;
        Err(::qapi_runtime::dispatch::unsupported())
    }
    /// The command `x-oob`: see [`Client::x_oob`].
    fn x_oob(&self) -> ::core::result::Result<(), ::qapi_runtime::QapiError> {
        Err(::qapi_runtime::dispatch::unsupported())
    }
}"#
        );
        assert!(text.contains(
            "/// The server side of the schema's commands: one method per command.\n///\n\
             /// Implement the commands the server supports; the others answer `GenericError` \
             \"this feature or command is not currently supported\". Run requests with \
             [`dispatch`].\npub trait Server {\n"
        ));
    }

    #[test]
    fn commands_are_listed_with_their_options() {
        let text = generate("list", SCHEMA);
        let list = item(
            &text,
            "pub const COMMANDS: &[::qapi_runtime::dispatch::CommandInfo] = &[",
            "];",
        );
        let entries: Vec<&str> = list
            .lines()
            .filter(|line| line.starts_with("        "))
            .map(str::trim)
            .collect();
        assert_eq!(
            entries,
            [
                r#"name: "guest-ping","#,
                "success_response: true,",
                "allow_oob: false,",
                "deprecated: false,",
                r#"name: "guest-file-read","#,
                "success_response: true,",
                "allow_oob: false,",
                "deprecated: false,",
                r#"name: "guest-shutdown","#,
                "success_response: false,",
                "allow_oob: false,",
                "deprecated: false,",
                r#"name: "x-oob","#,
                "success_response: true,",
                "allow_oob: true,",
                "deprecated: false,",
            ]
        );
    }

    #[test]
    fn dispatch_is_one_match_on_the_name() {
        let text = generate("match", SCHEMA);
        assert_eq!(
            item(&text, "pub fn dispatch<S: Server + ?Sized>(", "}"),
            r#"pub fn dispatch<S: Server + ?Sized>(
    server: &S,
    table: &::qapi_runtime::dispatch::CommandTable,
    request: ::serde_json::Value,
) -> ::core::option::Option<::serde_json::Value> {
    let mut call = match table.accept(request) {
        Ok(call) => call,
        Err(reply) => return Some(reply),
    };
    let result = match call.command() {
        "guest-ping" => ::qapi_runtime::strict::no_arguments(call.arguments())
            .and_then(|()| server.guest_ping())
            .map(|()| ::qapi_runtime::dispatch::empty_return()),
        "guest-file-read" => ::qapi_runtime::strict::from_arguments::<GuestFileReadArgs>(
            call.take_arguments(),
        )
        .and_then(|args| server.guest_file_read(args))
        .and_then(|value| ::qapi_runtime::dispatch::encode_return(&value)),
        "guest-shutdown" => ::qapi_runtime::strict::from_arguments::<GuestShutdownArgs>(
            call.take_arguments(),
        )
        .and_then(|args| server.guest_shutdown(args))
        .map(|()| ::qapi_runtime::dispatch::empty_return()),
        "x-oob" => ::qapi_runtime::strict::no_arguments(call.arguments())
            .and_then(|()| server.x_oob())
            .map(|()| ::qapi_runtime::dispatch::empty_return()),
        name => Err(::qapi_runtime::QapiError::command_not_found(name)),
    };
    call.reply(result)
}"#
        );
    }

    #[test]
    fn named_and_boxed_arguments_take_their_type_and_gen_false_the_raw_object() {
        let schema = r#"
{ 'enum': 'Kind', 'data': ['a', 'b'] }
{ 'struct': 'Opts', 'data': { 'x': 'int' } }
{ 'union': 'Choice', 'base': { 'kind': 'Kind' }, 'discriminator': 'kind',
  'data': { 'a': 'Opts' } }
{ 'command': 'named', 'data': 'Opts' }
{ 'command': 'boxed', 'data': 'Choice', 'boxed': true, 'returns': ['Opts'] }
{ 'command': 'raw', 'data': { 'driver': 'str' }, 'gen': false }
"#;
        let text = generate("args", schema);
        assert!(text.contains(
            "fn named(&self, args: Opts) -> ::core::result::Result<(), ::qapi_runtime::QapiError>"
        ));
        assert!(text.contains(
            "    fn boxed(\n        &self,\n        args: Choice,\n    ) -> ::core::result::Result<::std::vec::Vec<Opts>, ::qapi_runtime::QapiError> {"
        ));
        assert!(text.contains(
            "        args: ::serde_json::Map<::std::string::String, ::serde_json::Value>,\n    ) -> ::core::result::Result<(), ::qapi_runtime::QapiError> {"
        ));
        assert!(
            text.contains("::qapi_runtime::strict::from_arguments::<Opts>(call.take_arguments())")
        );
        assert!(text
            .contains("::qapi_runtime::strict::from_arguments::<Choice>(call.take_arguments())"));
        assert!(
            text.contains("\"raw\" => server\n            .raw(call.take_arguments())\n"),
            "{text}"
        );
    }

    #[test]
    fn deprecated_commands_allow_the_lint_instead_of_warning_implementors() {
        let schema = r#"
{ 'command': 'old', 'data': { 'a': 'int' }, 'features': [ 'deprecated' ] }
{ 'command': 'old-bare', 'features': [ 'deprecated' ] }
"#;
        let text = generate("deprecated", schema);
        assert!(text.contains(
            "    #[allow(deprecated)]\n    fn old(&self, args: OldArgs) -> ::core::result::Result<(), ::qapi_runtime::QapiError> {"
        ), "{text}");
        assert!(text.contains("#[allow(deprecated)]\npub fn dispatch<S: Server + ?Sized>("));
        // The method of a deprecated command without arguments names nothing deprecated.
        assert!(text.contains(
            "    /// The command `old-bare`: see [`Client::old_bare`].\n    fn old_bare(&self) -> ::core::result::Result<(), ::qapi_runtime::QapiError> {"
        ), "{text}");
        let list = item(&text, "pub const COMMANDS", "];");
        assert_eq!(list.matches("deprecated: true,").count(), 2);
        let trait_text = item(&text, "pub trait Server {", "}");
        assert!(!trait_text.contains("#[deprecated"));
    }

    #[test]
    fn conditions_guard_the_method_the_entry_and_the_arm() {
        let schema = r#"
{ 'command': 'linux-only', 'if': 'CONFIG_LINUX' }
"#;
        let text = generate_with("cfg", schema, |builder| {
            builder.cfg("CONFIG_LINUX", r#"target_os = "linux""#);
        });
        assert!(text.contains(
            "    #[cfg(target_os = \"linux\")]\n    fn linux_only(&self) -> ::core::result::Result<(), ::qapi_runtime::QapiError> {"
        ), "{text}");
        assert!(text.contains("        #[cfg(target_os = \"linux\")]\n        \"linux-only\" => "));
        assert!(text.contains(
            "    #[cfg(target_os = \"linux\")]\n    ::qapi_runtime::dispatch::CommandInfo {"
        ));
    }

    #[test]
    fn the_trait_steps_aside_for_a_type_named_server() {
        let schema = r#"
{ 'struct': 'Server', 'data': { 'port': 'int' } }
{ 'command': 'query-server', 'returns': 'Server' }
"#;
        let text = generate("server", schema);
        assert!(text.contains("pub trait Server_ {"));
        assert!(text.contains(
            "fn query_server(&self) -> ::core::result::Result<Server, ::qapi_runtime::QapiError>"
        ));
        assert!(text.contains("pub fn dispatch<S: Server_ + ?Sized>("));
    }

    #[test]
    fn dispatch_can_be_turned_off() {
        let text = generate_with("off", SCHEMA, |builder| {
            builder.dispatch(false).client(false);
        });
        assert!(text.contains("pub struct GuestFileReadArgs"));
        assert_eq!(
            runtime_lines(&text),
            ["use ::qapi_runtime::__private;"],
            "{text}"
        );
        assert!(!text.contains("trait Server"));
    }

    #[test]
    fn a_schema_without_commands_has_no_dispatcher() {
        let text = generate("none", "{ 'struct': 'Spot', 'data': { 'a': 'int' } }\n");
        assert_eq!(
            runtime_lines(&text),
            ["use ::qapi_runtime::__private;"],
            "{text}"
        );
    }

    /// The lines that name the runtime: without the server side and the clients, only the
    /// import of the helpers the serde impls call.
    fn runtime_lines(text: &str) -> Vec<&str> {
        text.lines()
            .filter(|line| line.contains("qapi_runtime"))
            .collect()
    }
}
