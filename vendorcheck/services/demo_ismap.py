"""The demonstration ISMAP list: fictional services with numbers in the real format, imported
through the real importer, so the cloud bidders' claims check out differently: one valid,
one expiring before the contract ends, one on the other list, one of another provider."""

from __future__ import annotations

import datetime as dt

from vendorcheck.services import ismap_import
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import IsmapEntry

HEADER = "登録番号,区分,クラウドサービス名,クラウドサービス事業者名,登録日,監査対象期間,有効期限,言明の対象範囲,リージョン"

# number, list, service, provider, registered (days ago), days the registration still lasts,
# scope, regions (the demo contracts end 424 days from today)
ROWS = (
    ("C22-0101-1", "ISMAP", "みらい電子申請クラウド", "株式会社みらいクラウド", 900, 700,
     "電子申請・アンケート・集計の全機能（スタンダードプラン、エンタープライズプラン）", "東京、大阪"),
    ("C23-0077-1", "ISMAP", "NDC フォーム＆集計サービス", "日本データセンター（株）", 600, 200,
     "フォーム作成・集計機能（自治体向けプラン）", "大阪"),
    ("L24-0012-1", "ISMAP-LIU", "さくらWebアンケート", "株式会社さくら情報サービス", 300, 150,
     "Webアンケート ビジネス版", "東京"),
    ("C21-0042-3", "ISMAP", "やまなみ申請ポータル", "株式会社やまなみシステムズ", 1200, 200,
     "申請ポータル（クラウド版）", "東京"),
    ("C20-0003-4", "ISMAP", "架空オンライン会議", "架空コミュニケーションズ株式会社", 1500, 100,
     "オンライン会議・ウェビナー", "東京、大阪"),
    ("L23-0005-2", "ISMAP-LIU", "かすみチャット", "株式会社かすみソフト", 500, -500, "ビジネスチャット", "東京"),
)  # fmt: skip

# vendor key -> answers that claim a registration (the other cloud vendors keep their profiles)
CLAIMS = {
    "mirai": {"cert.ismap": "ismap", "cert.ismap_number": "C22-0101-1"},  # valid
    "nihon_dc": {"cert.ismap": "ismap", "cert.ismap_number": "C23-0077-1"},  # ends too soon
    "sakura": {"cert.ismap": "ismap", "cert.ismap_number": "L24-0012-1"},  # the LIU list
    "yamabiko": {"cert.ismap": "ismap", "cert.ismap_number": "C21-0042-3"},  # another provider
    "northwind": {"cert.ismap": "applying"},
}


def demo_list(today: dt.date) -> bytes:
    """The list as a CSV file with a BOM, as the portal's download would be."""
    lines = [HEADER]
    for number, kind, service, provider, registered, lasts, scope, regions in ROWS:
        end = today + dt.timedelta(days=lasts - 486)  # valid 16 months after the period ends
        start = end - dt.timedelta(days=364)
        period = f"{start.year}年{start.month}月{start.day}日～{end.year}年{end.month}月{end.day}日"
        registered_on = (today - dt.timedelta(days=registered)).strftime("%Y/%m/%d")
        lines.append(
            f"{number},{kind},{service},{provider},{registered_on},{period},,{scope},{regions}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def import_demo_list(actor: Actor, today: dt.date) -> int:
    """Import the demonstration list unless a list is already stored; return the rows added."""
    if IsmapEntry.select().exists():
        return 0
    settings = ismap_import.ListSettings.from_config({})
    report = ismap_import.import_file(
        demo_list(today), "デモ用ISMAPリスト.csv", settings, actor, today=today
    )
    return len(report.added)
