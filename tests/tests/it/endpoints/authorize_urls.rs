//! Authorization URL builders and configuration: exact URLs (WeChat matches
//! parameter order), percent-encoding, `#wechat_redirect`, and typed errors.

use wechat_api::authorize::{AuthType, ComponentAuthUrl, OAuthUrl, Scope};
use wechat_api::{Client, Config, Error};

#[test]
fn the_mobile_authorization_link_is_bindcomponent_with_wechat_redirect() {
    let url = ComponentAuthUrl::new("wx_c", "PAC", "https://a.example/cb?x=1&y=中")
        .mobile()
        .auth_type(AuthType::MiniProgram)
        .biz_appid("wx_biz")
        .build()
        .unwrap();
    assert_eq!(
        url.as_str(),
        "https://open.weixin.qq.com/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1\
         &component_appid=wx_c&pre_auth_code=PAC\
         &redirect_uri=https%3A%2F%2Fa.example%2Fcb%3Fx%3D1%26y%3D%E4%B8%AD&auth_type=2&biz_appid=wx_biz#wechat_redirect"
    );
}

#[test]
fn the_pc_page_has_no_fragment_and_defaults_to_both_account_kinds() {
    let url = ComponentAuthUrl::new("wx_c", "PAC", "https://a.example/cb")
        .build()
        .unwrap();
    assert_eq!(url.fragment(), None);
    assert_eq!(url.path(), "/cgi-bin/componentloginpage");
    assert!(url.query().unwrap().ends_with("&auth_type=3"));
}

#[test]
fn oauth_through_a_component_adds_component_appid_last() {
    let url = OAuthUrl::new("wx_authorizer", "http://a.example/o", Scope::Base)
        .state("abc123")
        .component_appid("wx_c")
        .build()
        .unwrap();
    assert_eq!(
        url.as_str(),
        "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx_authorizer\
         &redirect_uri=http%3A%2F%2Fa.example%2Fo&response_type=code&scope=snsapi_base\
         &state=abc123&component_appid=wx_c#wechat_redirect"
    );
}

#[test]
fn bad_input_is_a_config_error() {
    for bad in ["not a url", "/relative", "ftp://a.example/x", ""] {
        let err = OAuthUrl::new("wx", bad, Scope::Base).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{bad}: {err:?}");
        let err = ComponentAuthUrl::new("wx", "PAC", bad).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{bad}: {err:?}");
    }
    let err = OAuthUrl::new("wx", "https://a.example", Scope::Base)
        .state("a b")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(m) if m.contains("state")));
    let err = ComponentAuthUrl::new("wx", "", "https://a.example")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(m) if m.contains("pre_auth_code")));
}

#[test]
fn client_builders_use_configuration_and_base_url_overrides() {
    let config = Config::builder()
        .appid("wx_app")
        .component_appid("wx_c")
        .build()
        .unwrap();
    let client = Client::builder(config)
        .base_url_for_all("http://127.0.0.1:9/sandbox")
        .unwrap()
        .build()
        .unwrap();
    let url = client
        .component_auth_url("PAC", "https://a.example/cb")
        .unwrap()
        .build()
        .unwrap();
    assert!(
        url.as_str().starts_with(
            "http://127.0.0.1:9/sandbox/cgi-bin/componentloginpage?component_appid=wx_c&"
        ),
        "{url}"
    );
    let own = client
        .oauth_url("https://a.example/o", Scope::UserInfo)
        .unwrap()
        .build()
        .unwrap();
    assert!(
        own.as_str().contains("appid=wx_app&") && !own.as_str().contains("component_appid"),
        "{own}"
    );
    let through = client
        .authorizer("wx_auth")
        .oauth_url("https://a.example/o", Scope::UserInfo)
        .unwrap()
        .build()
        .unwrap();
    assert!(
        through.as_str().contains("appid=wx_auth&")
            && through
                .as_str()
                .contains("&component_appid=wx_c#wechat_redirect"),
        "{through}"
    );
}

#[test]
fn the_client_sends_each_page_to_its_own_host() {
    let config = Config::builder().component_appid("wx_c").build().unwrap();
    let client = Client::new(config.clone()).unwrap();
    let pc = client
        .component_auth_url("PAC", "https://a.example/cb")
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(pc.host_str(), Some("mp.weixin.qq.com"));
    let mobile = client
        .component_auth_url("PAC", "https://a.example/cb")
        .unwrap()
        .mobile()
        .build()
        .unwrap();
    assert_eq!(mobile.host_str(), Some("open.weixin.qq.com"));
    assert_eq!(mobile.path(), "/wxaopen/safe/bindcomponent");
    // an override of one host leaves the other alone
    let client = Client::builder(config)
        .base_url("mp.weixin.qq.com", "http://127.0.0.1:9/")
        .unwrap()
        .build()
        .unwrap();
    let pc = client
        .component_auth_url("PAC", "https://a.example/cb")
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(pc.host_str(), Some("127.0.0.1"));
    let mobile = client
        .component_auth_url("PAC", "https://a.example/cb")
        .unwrap()
        .mobile()
        .build()
        .unwrap();
    assert_eq!(mobile.host_str(), Some("open.weixin.qq.com"));
    assert!(
        !format!(
            "{:?}",
            client
                .component_auth_url("SECRET_PAC", "https://a.example/cb")
                .unwrap()
        )
        .contains("SECRET_PAC")
    );
}

#[test]
fn config_reads_the_environment_and_checks_the_aes_key() {
    let vars = [
        ("WECHAT_APPID", "wx_env"),
        ("WECHAT_SECRET", "s"),
        ("WECHAT_COMPONENT_APPID", "wx_c"),
        (
            "WECHAT_COMPONENT_ENCODING_AES_KEY",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        ),
        ("WECHAT_TOKEN", ""),
    ];
    let lookup = |name: &str| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    };
    let config = Config::from_lookup(lookup).unwrap();
    assert_eq!(config.appid(), Some("wx_env"));
    assert_eq!(config.component_appid(), Some("wx_c"));
    assert!(config.token().is_none(), "empty variables stay unset");
    assert!(config.component_encoding_aes_key().is_some());
    let err = Config::builder()
        .encoding_aes_key("short")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(m) if m.contains("43")));
}
