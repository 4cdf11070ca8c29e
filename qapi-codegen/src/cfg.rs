//! QAPI conditions (`'if': 'CONFIG_LINUX'`) to Rust `#[cfg(…)]` attributes.
//!
//! QEMU's conditions name symbols of QEMU's own build (`CONFIG_*`, `TARGET_*`), which mean
//! nothing to rustc. Each symbol is mapped through [`CfgMap`]: a symbol given a predicate with
//! [`crate::Builder::cfg`] becomes that predicate (`CONFIG_LINUX` → `target_os = "linux"`);
//! any other symbol is treated as [`UnmappedSymbol`] says — by default as holding, so every
//! definition is generated and the code compiles with no `unexpected_cfgs` warning. The
//! condition is also written in the item's documentation either way.
//!
//! Conditions are simplified before they are written: a condition that always holds gives no
//! attribute, one that never holds gives `#[cfg(any())]`.

use proc_macro2::TokenStream;
use qapi_gen_parser::model::Cond;
use quote::quote;
use std::collections::BTreeMap;

/// What a condition symbol without a mapping means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnmappedSymbol {
    /// The symbol holds: everything it guards is generated unconditionally. The default, right
    /// for clients (which talk to QEMU builds of any configuration) and warning-free.
    #[default]
    Enabled,
    /// The symbol does not hold: what it guards is compiled out.
    Disabled,
    /// The symbol becomes a bare cfg name, `#[cfg(CONFIG_LINUX)]`, to be set with
    /// `--cfg CONFIG_LINUX`; the crate must declare it (`cargo::rustc-check-cfg`) to stay free
    /// of `unexpected_cfgs` warnings.
    Cfg,
}

impl UnmappedSymbol {
    /// Every meaning, in the order of the enum.
    pub const ALL: [UnmappedSymbol; 3] = [
        UnmappedSymbol::Enabled,
        UnmappedSymbol::Disabled,
        UnmappedSymbol::Cfg,
    ];

    /// The name of the meaning in `qapi-gen generate --unmapped-cfg NAME`.
    pub fn as_str(self) -> &'static str {
        match self {
            UnmappedSymbol::Enabled => "enabled",
            UnmappedSymbol::Disabled => "disabled",
            UnmappedSymbol::Cfg => "cfg",
        }
    }
}

/// How symbols map to cfg predicates.
#[derive(Clone, Debug, Default)]
pub struct CfgMap {
    /// Symbol → predicate tokens (`target_os = "linux"`), checked to parse when set.
    pub symbols: BTreeMap<String, TokenStream>,
    pub unmapped: UnmappedSymbol,
}

/// A condition after mapping: known to hold, known not to hold, or a predicate.
enum Predicate {
    True,
    False,
    Tokens(TokenStream),
}

impl CfgMap {
    /// The `#[cfg(…)]` attribute for an optional condition; empty when it always holds.
    pub fn attr(&self, cond: Option<&Cond>) -> TokenStream {
        match cond.map(|cond| self.predicate(cond)) {
            None | Some(Predicate::True) => TokenStream::new(),
            Some(Predicate::False) => quote! { #[cfg(any())] },
            Some(Predicate::Tokens(tokens)) => quote! { #[cfg(#tokens)] },
        }
    }

    /// The attribute for an item guarded by several conditions at once (an enum value and
    /// the union branch it selects).
    pub fn attr_all(&self, conds: &[Option<&Cond>]) -> TokenStream {
        let operands: Vec<Cond> = conds.iter().flatten().map(|cond| (*cond).clone()).collect();
        match operands.len() {
            0 => TokenStream::new(),
            1 => self.attr(Some(&operands[0])),
            _ => self.attr(Some(&Cond::All(operands))),
        }
    }

    fn predicate(&self, cond: &Cond) -> Predicate {
        match cond {
            Cond::Name(symbol) => match self.symbols.get(symbol) {
                Some(tokens) => Predicate::Tokens(tokens.clone()),
                None => match self.unmapped {
                    UnmappedSymbol::Enabled => Predicate::True,
                    UnmappedSymbol::Disabled => Predicate::False,
                    UnmappedSymbol::Cfg => {
                        let ident = proc_macro2::Ident::new(symbol, proc_macro2::Span::call_site());
                        Predicate::Tokens(quote! { #ident })
                    }
                },
            },
            Cond::Not(operand) => match self.predicate(operand) {
                Predicate::True => Predicate::False,
                Predicate::False => Predicate::True,
                Predicate::Tokens(tokens) => Predicate::Tokens(quote! { not(#tokens) }),
            },
            Cond::All(operands) => {
                let mut parts = Vec::new();
                for operand in operands {
                    match self.predicate(operand) {
                        Predicate::True => {}
                        Predicate::False => return Predicate::False,
                        Predicate::Tokens(tokens) => parts.push(tokens),
                    }
                }
                match parts.len() {
                    0 => Predicate::True,
                    1 => Predicate::Tokens(parts.remove(0)),
                    _ => Predicate::Tokens(quote! { all(#(#parts),*) }),
                }
            }
            Cond::Any(operands) => {
                let mut parts = Vec::new();
                for operand in operands {
                    match self.predicate(operand) {
                        Predicate::True => return Predicate::True,
                        Predicate::False => {}
                        Predicate::Tokens(tokens) => parts.push(tokens),
                    }
                }
                match parts.len() {
                    0 => Predicate::False,
                    1 => Predicate::Tokens(parts.remove(0)),
                    _ => Predicate::Tokens(quote! { any(#(#parts),*) }),
                }
            }
        }
    }
}

/// A condition as a person reads it in the docs: `CONFIG_LINUX`, `CONFIG_A and not CONFIG_B`.
pub fn describe(cond: &Cond) -> String {
    fn operand(cond: &Cond) -> String {
        match cond {
            Cond::Name(_) | Cond::Not(_) => describe(cond),
            _ => format!("({})", describe(cond)),
        }
    }
    match cond {
        Cond::Name(symbol) => symbol.clone(),
        Cond::Not(inner) => format!("not {}", operand(inner)),
        Cond::All(operands) => operands
            .iter()
            .map(operand)
            .collect::<Vec<_>>()
            .join(" and "),
        Cond::Any(operands) => operands
            .iter()
            .map(operand)
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(symbol: &str) -> Cond {
        Cond::Name(symbol.to_owned())
    }

    #[test]
    fn unmapped_symbols_hold_by_default() {
        let map = CfgMap::default();
        assert!(map.attr(Some(&name("CONFIG_LINUX"))).is_empty());
        let never = Cond::Not(Box::new(name("CONFIG_LINUX")));
        assert_eq!(map.attr(Some(&never)).to_string(), "# [cfg (any ())]");
    }

    #[test]
    fn mapped_symbols_become_predicates() {
        let mut map = CfgMap::default();
        map.symbols
            .insert("CONFIG_LINUX".into(), quote! { target_os = "linux" });
        let cond = Cond::All(vec![name("CONFIG_LINUX"), name("CONFIG_OTHER")]);
        assert_eq!(
            map.attr(Some(&cond)).to_string(),
            "# [cfg (target_os = \"linux\")]"
        );
        let cond = Cond::Any(vec![
            name("CONFIG_LINUX"),
            Cond::Not(Box::new(name("CONFIG_LINUX"))),
        ]);
        assert_eq!(
            map.attr(Some(&cond)).to_string(),
            "# [cfg (any (target_os = \"linux\" , not (target_os = \"linux\")))]"
        );
    }

    #[test]
    fn conditions_read_as_words() {
        let cond = Cond::All(vec![
            name("A"),
            Cond::Any(vec![name("B"), Cond::Not(Box::new(name("C")))]),
        ]);
        assert_eq!(describe(&cond), "A and (B or not C)");
    }
}
