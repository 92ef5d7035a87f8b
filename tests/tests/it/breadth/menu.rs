//! An authorizer's custom menu end to end, through the real client: a menu
//! with a sub-menu of several kinds of buttons is created, read back equal
//! (WeChat answers every button with `sub_button`, the union types read it
//! back as what was sent), seen as the menu in effect, refused with
//! WeChat's errcodes when malformed, and deleted.

use wechat_api_test_support::platform;
use wechat_api_test_support::platform as sandbox_flow;

use platform::Platform;
use wechat_api::api::menu::{
    ArticleButton, CreateRequest, KeyButton, MenuButton, MenuOpenStatus, MiniProgramButton,
    SelfMenuButtonType, SubMenuButton, ViewButton,
};
use wechat_api::callback::Router;
use wechat_sandbox::{DEFAULT_MERCHANT_APPID, SandboxConfig, errcode};

fn menu() -> Vec<MenuButton> {
    vec![
        MenuButton::Click(KeyButton::new("Today", "V1001_TODAY_MUSIC")),
        MenuButton::SubMenu(SubMenuButton::new(
            "Menu",
            vec![
                MenuButton::View(ViewButton::new("Search", "https://www.example.com/search")),
                MenuButton::Miniprogram(MiniProgramButton::new(
                    "Shop",
                    "https://www.example.com/shop",
                    "wx286b93c14bbf93aa",
                    "pages/lunar/index",
                )),
                MenuButton::ScancodePush(KeyButton::new("Scan", "V1001_SCAN")),
                MenuButton::ArticleId(ArticleButton::new("Story", "ARTICLE_ID_1")),
            ],
        )),
        MenuButton::LocationSelect(KeyButton::new("Where", "V1001_WHERE")),
    ]
}

#[tokio::test]
async fn a_menu_with_a_sub_menu_is_created_and_read_back_equal() {
    let sandbox = sandbox_flow::sandbox_with(SandboxConfig::builder()).await;
    let platform = Platform::start(&sandbox, Router::new()).await;
    let merchant = platform.authorize(DEFAULT_MERCHANT_APPID).await;
    let menus = merchant.menu();

    let e = menus.get().await.unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::MENU_NOT_EXIST), "{e}");

    menus.create(CreateRequest::new(menu())).await.unwrap();
    let read = menus.get().await.unwrap();
    assert_eq!(read.menu.button, menu());
    assert!(read.conditionalmenu.is_none());

    let current = menus.get_current_selfmenu_info().await.unwrap();
    assert_eq!(current.is_menu_open, MenuOpenStatus::Open);
    let buttons = &current.selfmenu_info.button;
    assert_eq!(buttons.len(), 3);
    assert_eq!(buttons[0].button_type, Some(SelfMenuButtonType::Click));
    assert_eq!(buttons[0].key.as_deref(), Some("V1001_TODAY_MUSIC"));
    let sub = &buttons[1].sub_button.as_ref().expect("a sub-menu").list;
    let names: Vec<&str> = sub.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["Search", "Shop", "Scan", "Story"]);
    assert_eq!(sub[1].pagepath.as_deref(), Some("pages/lunar/index"));

    // A new menu replaces the old one.
    let short = vec![MenuButton::View(ViewButton::new(
        "Home",
        "https://www.example.com/",
    ))];
    menus
        .create(CreateRequest::new(short.clone()))
        .await
        .unwrap();
    assert_eq!(menus.get().await.unwrap().menu.button, short);

    menus.delete().await.unwrap();
    let e = menus.get().await.unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::MENU_NOT_EXIST), "{e}");
    let current = menus.get_current_selfmenu_info().await.unwrap();
    assert_eq!(current.is_menu_open, MenuOpenStatus::Closed);
}

#[tokio::test]
async fn malformed_menus_are_refused_with_wechats_errcodes() {
    let sandbox = sandbox_flow::sandbox_with(SandboxConfig::builder()).await;
    let platform = Platform::start(&sandbox, Router::new()).await;
    let merchant = platform.authorize(DEFAULT_MERCHANT_APPID).await;
    let menus = merchant.menu();
    let click = |name: &str| MenuButton::Click(KeyButton::new(name, "KEY"));
    let cases = [
        (
            vec![click("a"), click("b"), click("c"), click("d")],
            errcode::INVALID_BUTTON_SIZE,
        ),
        (vec![], errcode::INVALID_BUTTON_SIZE),
        (
            vec![click("a name longer than sixteen bytes")],
            errcode::INVALID_BUTTON_NAME_SIZE,
        ),
        (
            vec![MenuButton::SubMenu(SubMenuButton::new(
                "Six",
                (0..6).map(|i| click(&format!("s{i}"))).collect(),
            ))],
            errcode::INVALID_SUB_BUTTON_SIZE,
        ),
        (
            vec![MenuButton::SubMenu(SubMenuButton::new(
                "Deep",
                vec![MenuButton::SubMenu(SubMenuButton::new(
                    "Deeper",
                    vec![click("x")],
                ))],
            ))],
            errcode::INVALID_SUB_MENU_LEVEL,
        ),
        (
            vec![MenuButton::View(ViewButton::new("Empty", ""))],
            errcode::INVALID_BUTTON_URL_SIZE,
        ),
    ];
    for (buttons, code) in cases {
        let shown = format!("{buttons:?}");
        let e = menus.create(CreateRequest::new(buttons)).await.unwrap_err();
        assert_eq!(e.api_code(), Some(code), "{shown}: {e}");
    }
    // None of them was kept.
    let e = menus.get().await.unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::MENU_NOT_EXIST), "{e}");
}
