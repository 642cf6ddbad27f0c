//! The last stage: which types are used and by which groups, identical inline shapes merged into
//! one type, unreachable types dropped, one module per type, one crate-wide unique name per type,
//! and types that contain themselves rejected. After this a user meets every shape exactly once.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::Resolver;
use crate::ir::{Api, Field, TypeHome, TypeKind, TypeRef};
use crate::names::RUNTIME_TYPES;

pub(super) fn finish(r: &mut Resolver<'_>, api: &mut Api) {
    merge_identical(r, api);
    compact(r, api);
    mark_usage(r, api);
    homes(r);
    names(r, api);
    cycles(r);
    api.types = std::mem::take(&mut r.types);
}

/// Every type reference in the operations and in the types, mutable.
fn for_each_ref(r: &mut Resolver<'_>, api: &mut Api, f: &mut dyn FnMut(&mut TypeRef)) {
    fn walk(ty: &mut TypeRef, f: &mut dyn FnMut(&mut TypeRef)) {
        match ty {
            TypeRef::List(t) | TypeRef::Map(t) | TypeRef::JsonString(t) => walk(t, f),
            TypeRef::Named(_) => f(ty),
            _ => {}
        }
    }
    for op in &mut api.operations {
        for p in &mut op.params {
            walk(&mut p.field.ty, f);
        }
        for fl in &mut op.response {
            walk(&mut fl.ty, f);
        }
        if let Some(p) = &mut op.pagination {
            walk(&mut p.item_ty, f);
        }
        if let Some(w) = &mut op.waiter {
            if let Some(s) = &mut w.sub_jobs {
                let mut t = TypeRef::Named(s.item);
                walk(&mut t, f);
                if let TypeRef::Named(i) = t {
                    s.item = i;
                }
            }
        }
    }
    for t in &mut r.types {
        for fl in &mut t.fields {
            walk(&mut fl.ty, f);
        }
        match &mut t.kind {
            TypeKind::Untagged { variants } => {
                for v in variants {
                    let mut ty = TypeRef::Named(v.ty);
                    walk(&mut ty, f);
                    if let TypeRef::Named(i) = ty {
                        v.ty = i;
                    }
                }
            }
            TypeKind::Union { variants, .. } => {
                for v in variants {
                    for p in &mut v.params {
                        walk(&mut p.field.ty, f);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Structurally identical inline objects (same keys, types, requiredness and checks; docs may
/// differ) become one type: the first one, in spec order.
fn merge_identical(r: &mut Resolver<'_>, api: &mut Api) {
    fn key(
        r: &Resolver<'_>,
        i: usize,
        memo: &mut Vec<Option<usize>>,
        interned: &mut HashMap<String, usize>,
    ) -> usize {
        if let Some(k) = memo[i] {
            return k;
        }
        let k = if !r.meta[i].mergeable || r.meta[i].fixed.is_some() {
            // Identity: its own class.
            let s = format!("#{i}");
            let n = interned.len();
            *interned.entry(s).or_insert(n)
        } else {
            let mut s = String::from("{");
            for f in &r.types[i].fields {
                s.push_str(&f.wire_name);
                s.push('|');
                s.push_str(&f.rust_name);
                s.push('|');
                ty_key(r, &f.ty, memo, interned, &mut s);
                s.push_str(&format!("|{}|{}|{:?};", f.required, f.deprecated, f.checks));
            }
            s.push('}');
            let n = interned.len();
            *interned.entry(s).or_insert(n)
        };
        memo[i] = Some(k);
        k
    }
    fn ty_key(
        r: &Resolver<'_>,
        ty: &TypeRef,
        memo: &mut Vec<Option<usize>>,
        interned: &mut HashMap<String, usize>,
        out: &mut String,
    ) {
        match ty {
            TypeRef::Named(j) => {
                let k = key(r, *j, memo, interned);
                out.push_str(&format!("N{k}"));
            }
            TypeRef::List(t) => {
                out.push_str("L(");
                ty_key(r, t, memo, interned, out);
                out.push(')');
            }
            TypeRef::Map(t) => {
                out.push_str("M(");
                ty_key(r, t, memo, interned, out);
                out.push(')');
            }
            TypeRef::JsonString(t) => {
                out.push_str("J(");
                ty_key(r, t, memo, interned, out);
                out.push(')');
            }
            other => out.push_str(&format!("{other:?}")),
        }
    }
    let n = r.types.len();
    let mut memo = vec![None; n];
    let mut interned = HashMap::new();
    let mut first_of_class: HashMap<usize, usize> = HashMap::new();
    let mut rep = vec![0usize; n];
    for (i, slot) in rep.iter_mut().enumerate() {
        let k = key(r, i, &mut memo, &mut interned);
        *slot = *first_of_class.entry(k).or_insert(i);
    }
    if rep.iter().enumerate().all(|(i, &x)| i == x) {
        return;
    }
    for_each_ref(r, api, &mut |ty| {
        if let TypeRef::Named(i) = ty {
            *i = rep[*i];
        }
    });
}

/// Drops types nothing refers to (merged away, replaced by `same_as`, or used only by pruned
/// operations); spec components stay, as the spec declares them.
fn compact(r: &mut Resolver<'_>, api: &mut Api) {
    let n = r.types.len();
    let mut live = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    for (i, t) in r.types.iter().enumerate() {
        if r.meta[i].fixed.is_some()
            && !r.meta[i].mergeable
            && t.pointer.starts_with("/components/")
        {
            stack.push(i);
        }
    }
    let mut roots = Vec::new();
    let note = |ty: &TypeRef, out: &mut Vec<usize>| {
        fn go(ty: &TypeRef, out: &mut Vec<usize>) {
            match ty {
                TypeRef::Named(i) => out.push(*i),
                TypeRef::List(t) | TypeRef::Map(t) | TypeRef::JsonString(t) => go(t, out),
                _ => {}
            }
        }
        go(ty, out)
    };
    for op in &api.operations {
        for p in &op.params {
            note(&p.field.ty, &mut roots);
        }
        for f in &op.response {
            note(&f.ty, &mut roots);
        }
    }
    stack.extend(roots);
    while let Some(i) = stack.pop() {
        if live[i] {
            continue;
        }
        live[i] = true;
        let t = &r.types[i];
        for f in &t.fields {
            note(&f.ty, &mut stack);
        }
        match &t.kind {
            TypeKind::Untagged { variants } => stack.extend(variants.iter().map(|v| v.ty)),
            TypeKind::Union { variants, .. } => {
                for v in variants {
                    for p in &v.params {
                        note(&p.field.ty, &mut stack);
                    }
                }
            }
            _ => {}
        }
    }
    if live.iter().all(|l| *l) {
        return;
    }
    let mut new_index = vec![usize::MAX; n];
    let mut next = 0;
    for i in 0..n {
        if live[i] {
            new_index[i] = next;
            next += 1;
        }
    }
    for_each_ref(r, api, &mut |ty| {
        if let TypeRef::Named(i) = ty {
            *i = new_index[*i];
        }
    });
    let types = std::mem::take(&mut r.types);
    let meta = std::mem::take(&mut r.meta);
    for (i, (t, m)) in types.into_iter().zip(meta).enumerate() {
        if live[i] {
            r.types.push(t);
            r.meta.push(m);
        }
    }
    for idx in r.declared.values_mut() {
        *idx = new_index.get(*idx).copied().unwrap_or(usize::MAX);
    }
}

/// Request/response direction and the groups of the operations that use each type.
fn mark_usage(r: &mut Resolver<'_>, api: &Api) {
    /// Marks every type reachable from `root` (with an explicit stack: reference chains may be
    /// thousands long).
    fn walk(
        types: &mut [crate::ir::NamedType],
        root: &TypeRef,
        request: bool,
        group: &str,
        seen: &mut BTreeSet<(usize, bool)>,
    ) {
        let mut stack = vec![(root.clone(), request)];
        while let Some((ty, request)) = stack.pop() {
            match ty {
                TypeRef::List(t) | TypeRef::Map(t) => stack.push((*t, request)),
                // A JSON document inside a response string is parsed, never sent.
                TypeRef::JsonString(t) => stack.push((*t, false)),
                TypeRef::Named(i) => {
                    if !seen.insert((i, request)) {
                        continue;
                    }
                    let t = &mut types[i];
                    if request {
                        t.in_request = true;
                    } else {
                        t.in_response = true;
                    }
                    if !group.is_empty() && !t.groups.iter().any(|g| g == group) {
                        t.groups.push(group.to_owned());
                        t.groups.sort();
                    }
                    stack.extend(t.fields.iter().map(|f| (f.ty.clone(), request)));
                    match &t.kind {
                        TypeKind::Untagged { variants } => {
                            stack.extend(variants.iter().map(|v| (TypeRef::Named(v.ty), request)))
                        }
                        TypeKind::Union { variants, .. } => {
                            for v in variants {
                                stack
                                    .extend(v.params.iter().map(|p| (p.field.ty.clone(), request)));
                            }
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }
    for op in &api.operations {
        let mut seen = BTreeSet::new();
        for p in &op.params {
            walk(&mut r.types, &p.field.ty, true, &op.group, &mut seen);
        }
        for f in &op.response {
            walk(&mut r.types, &f.ty, false, &op.group, &mut seen);
        }
    }
    // Components no operation uses are emitted ungated for both directions; so are the types
    // they contain.
    let unused: Vec<usize> = (0..r.types.len())
        .filter(|&i| !r.types[i].in_request && !r.types[i].in_response)
        .collect();
    for i in unused {
        let mut seen = BTreeSet::new();
        walk(&mut r.types, &TypeRef::Named(i), true, "", &mut seen);
        walk(&mut r.types, &TypeRef::Named(i), false, "", &mut seen);
        for (j, _) in seen {
            r.types[j].groups.clear();
        }
    }
}

/// A type used by one group lives in that group's module; every other type in `components`.
fn homes(r: &mut Resolver<'_>) {
    for t in &mut r.types {
        let spec_component = t.pointer.starts_with("/components/");
        t.home = match t.groups.as_slice() {
            [only] if !spec_component => TypeHome::Group(only.clone()),
            _ => TypeHome::Components,
        };
    }
}

/// One crate-wide unique name per type: fixed names (spec components, overlay types, overlay
/// `name:`) as given; an inline object keeps its candidate when no other type wants it, else it is
/// qualified with its operation (`GetTemplate` + `Template`).
fn names(r: &mut Resolver<'_>, api: &Api) {
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for op in &api.operations {
        taken.insert(op.request_name(), format!("the request of `{}`", op.action));
        taken.insert(
            op.response_name(),
            format!("the response of `{}`", op.action),
        );
    }
    for n in RUNTIME_TYPES {
        taken.insert(
            (*n).to_owned(),
            "a type of the hand-written runtime".to_owned(),
        );
    }
    for i in 0..r.types.len() {
        if let Some((name, file, pointer)) = r.meta[i].fixed.clone() {
            match taken.get(&name) {
                Some(other) => {
                    let m = format!("type name `{name}` is already {other}; pick another name");
                    r.diag
                        .error(crate::output::CodegenError::new(file, pointer, m));
                }
                None => {
                    taken.insert(
                        name.clone(),
                        format!("declared at {}#{pointer}", file.display()),
                    );
                }
            }
            r.types[i].name = name;
        }
    }
    let mut wanted: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for i in 0..r.types.len() {
        if r.meta[i].fixed.is_none() {
            wanted
                .entry(r.meta[i].candidate.clone())
                .or_default()
                .push(i);
        }
    }
    for (candidate, claimants) in wanted {
        if claimants.len() == 1 && !taken.contains_key(&candidate) {
            taken.insert(candidate.clone(), "an inline object".into());
            r.types[claimants[0]].name = candidate;
            continue;
        }
        for i in claimants {
            let qualified = format!("{}{candidate}", r.meta[i].qualifier);
            let mut name = qualified.clone();
            let mut n = 2;
            while taken.contains_key(&name) {
                name = format!("{qualified}{n}");
                n += 1;
            }
            taken.insert(name.clone(), "an inline object".into());
            r.types[i].name = name;
        }
    }
}

/// A struct that contains itself without a list or map in between has infinite size. One pass,
/// linear in the number of types and fields (memoized depth-first search).
fn cycles(r: &mut Resolver<'_>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    fn direct(ty: &TypeRef) -> Option<usize> {
        match ty {
            TypeRef::Named(i) => Some(*i),
            _ => None,
        }
    }
    let n = r.types.len();
    let edges: Vec<Vec<usize>> = r
        .types
        .iter()
        .map(|t| {
            let mut e: Vec<usize> = t
                .fields
                .iter()
                .filter_map(|f: &Field| direct(&f.ty))
                .collect();
            match &t.kind {
                TypeKind::Untagged { variants } => e.extend(variants.iter().map(|v| v.ty)),
                TypeKind::Union { variants, .. } => {
                    for v in variants {
                        e.extend(v.params.iter().filter_map(|p| direct(&p.field.ty)));
                    }
                }
                _ => {}
            }
            e
        })
        .collect();
    let mut mark = vec![Mark::New; n];
    let mut reported = BTreeSet::new();
    for start in 0..n {
        if mark[start] != Mark::New {
            continue;
        }
        // Iterative DFS: (node, next edge index).
        let mut stack = vec![(start, 0usize)];
        mark[start] = Mark::Active;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&child) = edges[node].get(*next) {
                *next += 1;
                match mark[child] {
                    Mark::New => {
                        mark[child] = Mark::Active;
                        stack.push((child, 0));
                    }
                    Mark::Active => {
                        if reported.insert(child) {
                            let t = &r.types[child];
                            let m = format!(
                                "`{}` contains itself (directly or through other objects) without a list in between",
                                t.name
                            );
                            let e = crate::output::CodegenError::new(&r.spec.file, &t.pointer, m);
                            r.diag.error(e);
                        }
                    }
                    Mark::Done => {}
                }
            } else {
                mark[node] = Mark::Done;
                stack.pop();
            }
        }
    }
}
