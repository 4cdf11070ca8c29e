//! The typed clients: `Client<C>` over any `C: qapi_runtime::client::Execute` and
//! `AsyncClient<C>` over any `C: qapi_runtime::client::AsyncExecute`, each with one method per
//! command:
//!
//! ```text
//! pub fn guest_file_read(&mut self, args: GuestFileReadArgs) -> Result<GuestFileRead, ClientError>
//! pub fn guest_ping(&mut self) -> Result<(), ClientError>
//! ```
//!
//! A command without arguments takes none; one without `returns` (or returning the empty
//! object) gives `()` and ignores what the peer returns; one with `'success-response': false`
//! gives `()` as soon as the request is written. Return values decode with plain `serde_json`
//! into the generated types, whose impls are lenient. The wrappers add nothing else: the
//! runtime client (synchronisation, timeouts, events, untyped calls) is reached through
//! `runtime_mut`.
//!
//! Why one client over a trait rather than one per protocol: the typed part (argument
//! encoding, return decoding) is the same for a guest agent and for QEMU's monitor; only how a
//! command travels differs. The runtime's guest agent clients and QMP clients implement
//! `Execute`/`AsyncExecute`, so the same generated code serves both, and a test can run it over
//! a fake.

use super::docs;
use crate::plan::{is_deprecated, ClientOptions, CommandDocs, Plan};
use proc_macro2::TokenStream;
use qapi_gen_parser::model::{Builtin, Command, Entity, Implicit, Type};
use quote::{format_ident, quote};

/// The client types and their methods, after every definition.
pub fn emit_clients(plan: &Plan<'_>) -> TokenStream {
    let ClientOptions {
        blocking,
        asynchronous,
        async_cfg,
    } = &plan.client;
    let mut items = TokenStream::new();
    // A schema without commands (types only) has nothing for a client to call.
    let has_commands = plan
        .schema
        .commands()
        .any(|(id, _)| plan.selection.has_command(id));
    if !has_commands {
        return items;
    }
    if *blocking {
        let methods = plan
            .schema
            .entities()
            .iter()
            .filter_map(|entity| match *entity {
                Entity::Command(id) if plan.selection.has_command(id) => {
                    Some(emit_method(plan, id, Flavour::Blocking))
                }
                _ => None,
            });
        items.extend(quote! {
            /// A client of this schema's commands, one typed method each, over a blocking
            /// runtime client (`qapi_runtime::client::Execute`).
            ///
            /// Connect and configure the runtime client, then wrap it: for a guest agent
            /// `Client::new(qapi_runtime::client::Client::connect_unix(path)?)`, whose first
            /// call synchronises (`guest-sync-delimited`) unless told otherwise; for QEMU's
            /// monitor `Client::new(qapi_runtime::client::qmp::QmpClient::connect_unix(path)?)`.
            #[derive(Debug)]
            pub struct Client<C> {
                runtime: C,
            }

            impl<C> ::core::convert::From<C> for Client<C> {
                fn from(runtime: C) -> Self {
                    Client { runtime }
                }
            }

            impl<C: ::qapi_runtime::client::Execute> Client<C> {
                /// Wraps a runtime client.
                pub fn new(runtime: C) -> Self {
                    Client { runtime }
                }

                /// The runtime client.
                pub fn runtime(&self) -> &C {
                    &self.runtime
                }

                /// The runtime client: timeouts, synchronisation, events, untyped calls.
                pub fn runtime_mut(&mut self) -> &mut C {
                    &mut self.runtime
                }

                /// The runtime client, giving up this one.
                pub fn into_runtime(self) -> C {
                    self.runtime
                }

                #(#methods)*
            }
        });
    }
    if *asynchronous {
        let cfg = async_cfg
            .as_ref()
            .map(|predicate| quote! { #[cfg(#predicate)] });
        let methods = plan
            .schema
            .entities()
            .iter()
            .filter_map(|entity| match *entity {
                Entity::Command(id) if plan.selection.has_command(id) => {
                    Some(emit_method(plan, id, Flavour::Async))
                }
                _ => None,
            });
        items.extend(quote! {
            /// A client of this schema's commands, one typed `async` method each, over an
            /// async runtime client (`qapi_runtime::client::AsyncExecute`: the guest agent's
            /// `AsyncClient` or QMP's `AsyncQmpClient`).
            #cfg
            #[derive(Debug)]
            pub struct AsyncClient<C> {
                runtime: C,
            }

            #cfg
            impl<C> ::core::convert::From<C> for AsyncClient<C> {
                fn from(runtime: C) -> Self {
                    AsyncClient { runtime }
                }
            }

            #cfg
            impl<C: ::qapi_runtime::client::AsyncExecute> AsyncClient<C> {
                /// Wraps a runtime client.
                pub fn new(runtime: C) -> Self {
                    AsyncClient { runtime }
                }

                /// The runtime client.
                pub fn runtime(&self) -> &C {
                    &self.runtime
                }

                /// The runtime client: timeouts, synchronisation, events, untyped calls.
                pub fn runtime_mut(&mut self) -> &mut C {
                    &mut self.runtime
                }

                /// The runtime client, giving up this one.
                pub fn into_runtime(self) -> C {
                    self.runtime
                }

                #(#methods)*
            }
        });
    }
    items
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Blocking,
    Async,
}

/// What a method gives back.
enum Returns {
    /// `()`, whatever the peer returns.
    Nothing,
    /// The decoded `return` value.
    Value(TokenStream),
}

/// One command's method.
fn emit_method(
    plan: &Plan<'_>,
    id: qapi_gen_parser::model::CommandId,
    flavour: Flavour,
) -> TokenStream {
    let command = plan.schema.command(id);
    let Command {
        name,
        arg_type: _,
        ret_type,
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
    let args_ident = plan.names.command_args(id);
    let takes_arguments = plan.takes_arguments(command);
    let returns = match ret_type {
        _ if !success_response => Returns::Nothing,
        None => Returns::Nothing,
        Some(ty) => match plan.schema.ty(*ty) {
            Type::Object(object) if object.implicit == Some(Implicit::Empty) => Returns::Nothing,
            Type::Builtin(builtin) if builtin.kind == Builtin::Null => Returns::Nothing,
            _ => Returns::Value(plan.type_ref(*ty)),
        },
    };

    let note = (!success_response).then_some(
        "The agent sends no reply when it succeeds: this returns once the request is written, \
         and an error reply is dropped by a later call.",
    );
    let home = match flavour {
        Flavour::Blocking => CommandDocs::ClientMethod,
        Flavour::Async => CommandDocs::AsyncClientMethod,
    };
    let intro = format!("Runs the command `{name}`");
    let attrs = if plan.command_docs(command) == home {
        docs::command(
            format!("{intro}."),
            doc.as_ref(),
            note,
            features,
            cond.as_ref(),
        )
    } else {
        docs::command_link(&intro, &plan.command_docs_link(id, command), note)
    };
    let cfg = plan.cfg.attr(cond.as_ref());
    let deprecated = if is_deprecated(features) {
        quote! { #[deprecated] #[allow(deprecated)] }
    } else {
        TokenStream::new()
    };

    // One runtime call per method; a command without arguments passes `&()`, which the
    // runtime sends as no `arguments` at all.
    let (parameter, arguments) = if takes_arguments {
        (quote! { , args: #args_ident }, quote! { &args })
    } else {
        (TokenStream::new(), quote! { &() })
    };
    let (output, helper) = match (&returns, *success_response) {
        (_, false) => (quote! { () }, "call_no_reply"),
        (Returns::Nothing, true) => (quote! { () }, "call_ignoring_return"),
        (Returns::Value(ty), true) => (ty.clone(), "call"),
    };
    let (asyncness, call) = match flavour {
        Flavour::Blocking => {
            let helper = format_ident!("{helper}");
            (
                TokenStream::new(),
                quote! { ::qapi_runtime::client::#helper(&mut self.runtime, #name, #arguments) },
            )
        }
        Flavour::Async => {
            let helper = format_ident!("{helper}_async");
            (
                quote! { async },
                quote! { ::qapi_runtime::client::#helper(&mut self.runtime, #name, #arguments).await },
            )
        }
    };
    quote! {
        #attrs
        #cfg
        #deprecated
        pub #asyncness fn #method(&mut self #parameter)
            -> ::core::result::Result<#output, ::qapi_runtime::ClientError>
        {
            #call
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cfg::CfgMap;
    use crate::names::Names;

    const SCHEMA: &str = r#"
{ 'struct': 'Info', 'data': { 'version': 'str' } }
{ 'command': 'ping' }
{ 'command': 'info', 'returns': 'Info' }
{ 'command': 'read', 'data': { 'handle': 'int', '*count': 'int' }, 'returns': ['Info'] }
{ 'command': 'halt', 'data': { '*mode': 'str' }, 'success-response': false }
{ 'command': 'old', 'data': 'Info', 'features': [ 'deprecated' ], 'if': 'CONFIG_X' }
"#;

    /// The client items generated for [`SCHEMA`] with `options`, formatted.
    fn clients(options: ClientOptions) -> String {
        let schema = crate::checked_schema(SCHEMA);
        let names = Names::new(&schema).unwrap();
        let mut cfg = CfgMap::default();
        cfg.symbols.insert("CONFIG_X".to_owned(), quote! { unix });
        let mut plan = Plan::new(&schema, &names, &cfg);
        plan.client = options;
        crate::output::format_piece(emit_clients(&plan))
    }

    #[test]
    fn one_method_per_command() {
        let text = clients(ClientOptions::default());
        assert!(!text.contains("AsyncClient"));
        assert_eq!(
            text,
            r#"/// A client of this schema's commands, one typed method each, over a blocking
/// runtime client (`qapi_runtime::client::Execute`).
///
/// Connect and configure the runtime client, then wrap it: for a guest agent
/// `Client::new(qapi_runtime::client::Client::connect_unix(path)?)`, whose first
/// call synchronises (`guest-sync-delimited`) unless told otherwise; for QEMU's
/// monitor `Client::new(qapi_runtime::client::qmp::QmpClient::connect_unix(path)?)`.
#[derive(Debug)]
pub struct Client<C> {
    runtime: C,
}
impl<C> ::core::convert::From<C> for Client<C> {
    fn from(runtime: C) -> Self {
        Client { runtime }
    }
}
impl<C: ::qapi_runtime::client::Execute> Client<C> {
    /// Wraps a runtime client.
    pub fn new(runtime: C) -> Self {
        Client { runtime }
    }
    /// The runtime client.
    pub fn runtime(&self) -> &C {
        &self.runtime
    }
    /// The runtime client: timeouts, synchronisation, events, untyped calls.
    pub fn runtime_mut(&mut self) -> &mut C {
        &mut self.runtime
    }
    /// The runtime client, giving up this one.
    pub fn into_runtime(self) -> C {
        self.runtime
    }
    /// Runs the command `ping`.
    pub fn ping(&mut self) -> ::core::result::Result<(), ::qapi_runtime::ClientError> {
        ::qapi_runtime::client::call_ignoring_return(&mut self.runtime, "ping", &())
    }
    /// Runs the command `info`.
    pub fn info(&mut self) -> ::core::result::Result<Info, ::qapi_runtime::ClientError> {
        ::qapi_runtime::client::call(&mut self.runtime, "info", &())
    }
    /// Runs the command `read`: see [`ReadArgs`].
    pub fn read(
        &mut self,
        args: ReadArgs,
    ) -> ::core::result::Result<::std::vec::Vec<Info>, ::qapi_runtime::ClientError> {
        ::qapi_runtime::client::call(&mut self.runtime, "read", &args)
    }
    /// Runs the command `halt`: see [`HaltArgs`].
    ///
    /// The agent sends no reply when it succeeds: this returns once the request is written, and an error reply is dropped by a later call.
    pub fn halt(
        &mut self,
        args: HaltArgs,
    ) -> ::core::result::Result<(), ::qapi_runtime::ClientError> {
        ::qapi_runtime::client::call_no_reply(&mut self.runtime, "halt", &args)
    }
    /// Runs the command `old`: see [`OldArgs`].
    #[cfg(unix)]
    #[deprecated]
    #[allow(deprecated)]
    pub fn old(
        &mut self,
        args: OldArgs,
    ) -> ::core::result::Result<(), ::qapi_runtime::ClientError> {
        ::qapi_runtime::client::call_ignoring_return(&mut self.runtime, "old", &args)
    }
}
"#
        );
    }

    #[test]
    fn async_methods_under_their_cfg() {
        let text = clients(ClientOptions {
            blocking: false,
            asynchronous: true,
            async_cfg: Some(quote! { feature = "tokio" }),
        });
        assert!(!text.contains("pub struct Client"));
        assert_eq!(text.matches("#[cfg(feature = \"tokio\")]\n").count(), 3);
        assert!(text.contains(
            r#"    pub async fn info(&mut self) -> ::core::result::Result<Info, ::qapi_runtime::ClientError> {
        ::qapi_runtime::client::call_async(&mut self.runtime, "info", &()).await
    }"#
        ));
        assert!(text.contains(
            r#"        ::qapi_runtime::client::call_no_reply_async(&mut self.runtime, "halt", &args).await
"#
        ));
    }
}
