//! The graph of types holding values of types: which types of the built-in module the schema
//! uses, and which edges close a cycle (the contained value is boxed there).

use qapi_gen_parser::model::{Schema, Type, TypeId};
use std::collections::{BTreeMap, BTreeSet};

/// The types of the built-in module that the schema's own definitions use (such as `QType`),
/// which are emitted; the others are not.
pub fn referenced_types(schema: &Schema) -> BTreeSet<TypeId> {
    let mut referenced = BTreeSet::new();
    for (_, ty) in schema.types() {
        if schema.module(ty.module()).is_builtin() {
            continue;
        }
        for contained in contained_types(schema, ty) {
            referenced.insert(contained);
            if let Type::Array(array) = schema.ty(contained) {
                referenced.insert(array.element);
            }
        }
    }
    referenced
}

/// The types a value of `ty` holds, arrays included (not looked through).
fn contained_types(schema: &Schema, ty: &Type) -> Vec<TypeId> {
    match ty {
        Type::Builtin(_) | Type::Enum(_) => Vec::new(),
        Type::Array(array) => vec![array.element],
        Type::Object(object) => {
            let mut contained: Vec<TypeId> = schema
                .all_members(object)
                .iter()
                .map(|member| member.ty)
                .collect();
            if let Some(branches) = &object.branches {
                contained.extend(branches.branches.iter().map(|branch| branch.ty));
            }
            contained
        }
        Type::Alternate(alternate) => alternate.branches.iter().map(|branch| branch.ty).collect(),
    }
}

/// The edges of the "holds directly" graph (arrays excepted: a `Vec` is already indirect)
/// that lie on a cycle: both ends in one strongly connected component.
pub fn recursive_edges(schema: &Schema) -> BTreeSet<(TypeId, TypeId)> {
    let ids: Vec<TypeId> = schema.types().map(|(id, _)| id).collect();
    let index_of: BTreeMap<TypeId, usize> = ids
        .iter()
        .enumerate()
        .map(|(index, id)| (*id, index))
        .collect();
    let edges: Vec<Vec<usize>> = schema
        .types()
        .map(|(_, ty)| match ty {
            Type::Array(_) => Vec::new(),
            _ => contained_types(schema, ty)
                .into_iter()
                .filter(|id| !matches!(schema.ty(*id), Type::Array(_)))
                .map(|id| index_of[&id])
                .collect(),
        })
        .collect();
    let component = strongly_connected(&edges);
    let mut boxed = BTreeSet::new();
    for (from, targets) in edges.iter().enumerate() {
        for &to in targets {
            if component[from] == component[to] {
                boxed.insert((ids[from], ids[to]));
            }
        }
    }
    boxed
}

/// Tarjan's algorithm, iteratively: the component number of every node. A node alone in its
/// component without a self edge is on no cycle, and no edge of it is reported.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let count = edges.len();
    let mut index = vec![UNVISITED; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut component = vec![UNVISITED; count];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..count {
        if index[root] != UNVISITED {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(top) = work.last_mut() {
            let node = top.0;
            if index[node] == UNVISITED {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = edges[node].get(top.1) {
                top.1 += 1;
                if index[target] == UNVISITED {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}
