//! The `…_pages()` methods walk a sandbox that pages for real: the
//! followers by `next_openid` (25 users, 10 a page), the authorizers by
//! `offset` and `count`, and the empty shapes WeChat answers for an empty
//! tag (`{"count": 0}`) and an empty blacklist.

use futures_util::StreamExt;
use wechat_api::api::component::GetAuthorizerListRequest;
use wechat_api::api::user::{BlacklistRequest, ListRequest, TagUsersRequest};
use wechat_sandbox::{Merchant, SandboxConfig, User};

use wechat_api_test_support::platform::{Platform, authorize, client, sandbox_with};

#[tokio::test]
async fn followers_page_by_next_openid_until_an_empty_page() {
    let mut config = SandboxConfig::builder().page_size(10);
    let mut expected = Vec::new();
    for i in 0..25 {
        let openid = format!("o_follower_{i:02}");
        config = config.user(User::new(&openid, format!("follower {i}")));
        expected.push(openid);
    }
    let sandbox = sandbox_with(config).await;
    let client = client(&sandbox);

    let pages: Vec<_> = client.user().list_pages(ListRequest::new()).collect().await;
    let pages: Vec<_> = pages
        .into_iter()
        .map(|p| p.expect("every page decodes"))
        .collect();
    let counts: Vec<i64> = pages.iter().map(|p| p.count).collect();
    assert_eq!(
        counts,
        [10, 10, 5, 0],
        "three full-or-partial pages, then the empty end"
    );
    assert!(pages.iter().all(|p| p.total == 25));
    let openids: Vec<String> = pages
        .iter()
        .filter_map(|p| p.data.as_ref())
        .flat_map(|d| d.openid.clone())
        .collect();
    assert_eq!(openids, expected, "every follower once, in order");
    assert_eq!(sandbox.request_count("/cgi-bin/user/get"), 4);

    // a walk from the middle starts after the cursor
    let rest: Vec<_> = client
        .user()
        .list_pages(ListRequest::new().next_openid("o_follower_19"))
        .collect()
        .await;
    let counts: Vec<i64> = rest
        .iter()
        .map(|p| p.as_ref().map_or(-1, |p| p.count))
        .collect();
    assert_eq!(counts, [5, 0]);
}

#[tokio::test]
async fn empty_tags_and_blacklists_are_one_page_without_a_cursor() {
    let sandbox = sandbox_with(SandboxConfig::builder()).await;
    let client = client(&sandbox);
    let tag: Vec<_> = client
        .user()
        .tag_users_pages(TagUsersRequest::new(134))
        .collect()
        .await;
    let [Ok(page)] = tag.as_slice() else {
        panic!("{tag:?}");
    };
    assert_eq!(
        (page.count, page.next_openid.as_deref()),
        (0, None),
        "{{\"count\": 0}} decodes"
    );
    let blacklist: Vec<_> = client
        .user()
        .blacklist_pages(BlacklistRequest::new())
        .collect()
        .await;
    let [Ok(page)] = blacklist.as_slice() else {
        panic!("{blacklist:?}");
    };
    assert_eq!((page.total, page.count), (0, 0));
}

#[tokio::test]
async fn authorizers_page_by_offset_until_the_total() {
    let appids = ["wx_merchant_a", "wx_merchant_b", "wx_merchant_c"];
    let mut config = SandboxConfig::builder();
    for appid in appids {
        config = config.merchant(Merchant::new(appid, appid));
    }
    let sandbox = sandbox_with(config).await;
    let client = client(&sandbox);
    let platform = Platform::serve(client.clone()).await;
    sandbox.set_callback_url(platform.events_url());
    sandbox.push_verify_ticket().await.expect("ticket pushed");
    for appid in appids {
        authorize(&client, Some(appid)).await;
    }

    let pages: Vec<_> = client
        .component()
        .get_authorizer_list_pages(GetAuthorizerListRequest::new(0, 2))
        .collect()
        .await;
    let listed: Vec<Vec<String>> = pages
        .iter()
        .map(|p| {
            p.as_ref()
                .expect("every page decodes")
                .list
                .iter()
                .map(|a| a.authorizer_appid.clone())
                .collect()
        })
        .collect();
    assert_eq!(
        listed,
        [
            vec!["wx_merchant_a", "wx_merchant_b"],
            vec!["wx_merchant_c"]
        ],
        "two pages of 2, stopping at total_count without an empty third"
    );
    assert_eq!(
        sandbox.request_count("/cgi-bin/component/api_get_authorizer_list"),
        2
    );
}
