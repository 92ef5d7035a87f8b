//! The `…_pages()` methods: a [`Stream`] of every page of a paged endpoint,
//! each call made with the managed token like any other.
//!
//! The spec's `paging:` key says how an endpoint pages (see
//! `spec/README.md`); the generator emits the method and the step from one
//! page's request and answer to the next request, using the two functions
//! here for the rules:
//!
//! - a cursor (`next_openid`, `next_cursor`…): the next request carries the
//!   answer's cursor; the walk ends on an empty page, an empty or absent
//!   cursor, or a cursor that does not move;
//! - offset/count: the next request's offset is this one's plus the items
//!   received; the walk ends on an empty page or once the offset reaches the
//!   answer's total.
//!
//! Every page WeChat answers is yielded, in order; the first error ends the
//! stream after it is yielded.

use std::future::Future;

use futures_util::Stream;

use crate::Result;

/// Every page: calls `call` with `first`, then with each request `next`
/// derives from the previous request and its page, until `next` says there
/// is none.
pub fn pages<'a, Req, Page, Call, Fut, Next>(
    first: Req,
    call: Call,
    next: Next,
) -> impl Stream<Item = Result<Page>> + 'a
where
    Req: Clone + 'a,
    Page: 'a,
    Call: Fn(Req) -> Fut + 'a,
    Fut: Future<Output = Result<Page>> + 'a,
    Next: Fn(&Req, &Page) -> Option<Req> + Copy + 'a,
{
    futures_util::stream::try_unfold(Some(first), move |state| {
        let step = state.map(|request| (call(request.clone()), request));
        async move {
            let Some((answer, request)) = step else {
                return Ok(None);
            };
            let page = answer.await?;
            let following = next(&request, &page);
            Ok(Some((page, following)))
        }
    })
}

/// The cursor of the next page: the answer's `next`, unless the page was
/// empty, or `next` is empty, absent or the `current` cursor again.
pub fn next_cursor(current: Option<&str>, next: Option<&str>, items: usize) -> Option<String> {
    let next = next.filter(|n| !n.is_empty())?;
    if items == 0 || current == Some(next) {
        return None;
    }
    Some(next.to_owned())
}

/// The offset of the next page: `offset + items`, unless the page was empty
/// or that reaches `total` (or a value does not fit).
pub fn next_offset<T, U>(offset: T, items: usize, total: U) -> Option<T>
where
    T: TryInto<u64> + TryFrom<u64>,
    U: TryInto<u64>,
{
    let offset: u64 = offset.try_into().ok()?;
    let total: u64 = total.try_into().ok()?;
    let items = u64::try_from(items).ok()?;
    if items == 0 {
        return None;
    }
    let next = offset.checked_add(items)?;
    if next >= total {
        return None;
    }
    T::try_from(next).ok()
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    #[test]
    fn cursors_end_on_empty_pages_and_stuck_cursors() {
        assert_eq!(next_cursor(None, Some("o10"), 10).as_deref(), Some("o10"));
        assert_eq!(
            next_cursor(Some("o10"), Some("o20"), 10).as_deref(),
            Some("o20")
        );
        assert_eq!(next_cursor(Some("o10"), Some("o10"), 10), None);
        assert_eq!(next_cursor(Some("o10"), Some(""), 3), None);
        assert_eq!(next_cursor(Some("o10"), None, 3), None);
        assert_eq!(next_cursor(Some("o10"), Some("o20"), 0), None);
    }

    #[test]
    fn offsets_end_at_the_total() {
        assert_eq!(next_offset(0_u32, 10, 25_i64), Some(10));
        assert_eq!(next_offset(10_i64, 10, 25_u32), Some(20));
        assert_eq!(next_offset(20_i64, 5, 25_u32), None);
        assert_eq!(next_offset(0_i64, 0, 25_u32), None);
        assert_eq!(next_offset(-1_i64, 5, 25_u32), None);
        assert_eq!(next_offset(0_i64, 5, -1_i64), None);
    }

    #[tokio::test]
    async fn pages_walks_until_next_says_stop_and_stops_after_an_error() {
        // pages of 3 over 0..8, offset in the request
        let all: Vec<Result<Vec<u32>>> = pages(
            0_u32,
            |offset: u32| async move { Ok((offset..(offset + 3).min(8)).collect::<Vec<u32>>()) },
            |offset: &u32, page: &Vec<u32>| next_offset(*offset, page.len(), 8_u32),
        )
        .collect()
        .await;
        let walked: Vec<Vec<u32>> = all.into_iter().map(|p| p.unwrap()).collect();
        assert_eq!(walked, vec![vec![0, 1, 2], vec![3, 4, 5], vec![6, 7]]);

        let failing: Vec<Result<u32>> = pages(
            0_u32,
            |n: u32| async move {
                if n < 2 {
                    Ok(n)
                } else {
                    Err(crate::Error::Config("boom".into()))
                }
            },
            |n: &u32, _: &u32| Some(n + 1),
        )
        .collect()
        .await;
        assert_eq!(failing.len(), 3, "two pages, then the error, then nothing");
        assert!(failing[2].is_err());
    }
}
