//! Checking an endpoint's `paging:` key against its request and answer
//! fields (once every type is known, for dotted `items` paths): each name
//! must be a field of the right kind, or the error points at its line.

use super::Report;
use crate::ir::{Api, Endpoint, Field, FieldStep, Paging, PagingKind, Ty, TypeItem};
use crate::model::PagingDef;
use serde_saphyr::Spanned;

fn step(field: &Field) -> FieldStep {
    FieldStep {
        rust: field.rust.clone(),
        optional: field.optional,
    }
}

fn is_integer(ty: &Ty) -> bool {
    matches!(ty, Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64)
}

/// The caller's request field named `wire`.
fn request_field<'e>(endpoint: &'e Endpoint, wire: &str) -> Option<&'e Field> {
    endpoint
        .user_fields()
        .find(|f| f.wire == wire && !f.flatten)
}

/// The answer's field named `wire`.
fn answer_field<'e>(endpoint: &'e Endpoint, wire: &str) -> Option<&'e Field> {
    endpoint
        .response
        .iter()
        .find(|f| f.wire == wire && !f.flatten)
}

/// The paging of `endpoint`, or `None` (and errors) when `def` does not fit it.
pub fn check(
    report: &mut Report<'_>,
    def: &Spanned<PagingDef>,
    endpoint: &Endpoint,
    api: &Api,
) -> Option<Paging> {
    let paging = &def.value;
    let name = &endpoint.name;
    let kind = match (&paging.cursor, &paging.offset) {
        (Some(cursor), None) => {
            for extra in [&paging.count, &paging.total].into_iter().flatten() {
                report.error(extra, "`count` and `total` are for offset paging; cursor paging takes `cursor` and `next`");
            }
            let request = match request_field(endpoint, &cursor.value) {
                Some(f) if f.ty == Ty::String && f.optional => step(f),
                Some(_) => {
                    report.error(cursor, format!("paging cursor `{}` of `{name}` must be an optional string request field (absent on the first page)", cursor.value));
                    return None;
                }
                None => {
                    report.error(
                        cursor,
                        format!(
                            "paging cursor `{}` is not a request field of `{name}`",
                            cursor.value
                        ),
                    );
                    return None;
                }
            };
            let next = paging.next.as_ref().unwrap_or(cursor);
            let answer = match answer_field(endpoint, &next.value) {
                Some(f) if f.ty == Ty::String => step(f),
                Some(_) => {
                    report.error(
                        next,
                        format!(
                            "paging `next` `{}` of `{name}` must be a string answer field",
                            next.value
                        ),
                    );
                    return None;
                }
                None => {
                    report.error(next, format!("paging `next` `{}` is not an answer field of `{name}` (name it with `next:` when it differs from `cursor`)", next.value));
                    return None;
                }
            };
            PagingKind::Cursor { request, answer }
        }
        (None, Some(offset)) => {
            if let Some(next) = &paging.next {
                report.error(next, "`next` is for cursor paging; offset paging takes `offset`, `count` and `total`");
            }
            let offset_step = match request_field(endpoint, &offset.value) {
                Some(f) if is_integer(&f.ty) => step(f),
                _ => {
                    report.error(
                        offset,
                        format!(
                            "paging offset `{}` must be an integer request field of `{name}`",
                            offset.value
                        ),
                    );
                    return None;
                }
            };
            match &paging.count {
                Some(count) => {
                    if !request_field(endpoint, &count.value).is_some_and(|f| is_integer(&f.ty)) {
                        report.error(
                            count,
                            format!(
                                "paging count `{}` must be an integer request field of `{name}`",
                                count.value
                            ),
                        );
                    }
                }
                None => report.error(
                    offset,
                    "offset paging needs `count`: the request field with the page size",
                ),
            }
            let total = match &paging.total {
                Some(total) => match answer_field(endpoint, &total.value) {
                    Some(f) if is_integer(&f.ty) => step(f),
                    _ => {
                        report.error(
                            total,
                            format!(
                                "paging total `{}` must be an integer answer field of `{name}`",
                                total.value
                            ),
                        );
                        return None;
                    }
                },
                None => {
                    report.error(
                        offset,
                        "offset paging needs `total`: the answer field with the number of items",
                    );
                    return None;
                }
            };
            PagingKind::Offset {
                offset: offset_step,
                total,
            }
        }
        (Some(cursor), Some(_)) => {
            report.error(cursor, "paging is by `cursor` or by `offset`, not both");
            return None;
        }
        (None, None) => {
            report.error(def, "paging needs `cursor` (cursor paging) or `offset`, `count` and `total` (offset paging)");
            return None;
        }
    };
    let items = items_path(report, &paging.items, endpoint, api)?;
    Some(Paging { kind, items })
}

/// The fields from the answer to its list of items (`data.openid`).
fn items_path(
    report: &mut Report<'_>,
    items: &Spanned<String>,
    endpoint: &Endpoint,
    api: &Api,
) -> Option<Vec<FieldStep>> {
    let mut fields: &[Field] = &endpoint.response;
    let mut path = Vec::new();
    let segments: Vec<&str> = items.value.split('.').collect();
    for (index, segment) in segments.iter().enumerate() {
        let Some(field) = fields.iter().find(|f| f.wire == *segment && !f.flatten) else {
            report.error(
                items,
                format!(
                    "paging items: `{segment}` is not a field of the answer of `{}` (at `{}`)",
                    endpoint.name, items.value
                ),
            );
            return None;
        };
        path.push(step(field));
        let last = index + 1 == segments.len();
        match (&field.ty, last) {
            (Ty::List(_), true) => return Some(path),
            (Ty::Named(r), false) => match api.find_type(&r.name) {
                Some(TypeItem::Object(o)) => fields = &o.fields,
                _ => break,
            },
            _ => break,
        }
    }
    report.error(items, format!("paging items `{}` must lead to a list in the answer of `{}` (through object fields, dotted)", items.value, endpoint.name));
    None
}
