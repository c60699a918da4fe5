"""Every setting, declared once with its default, its parser and one line of Japanese help.

config.py reads them (defaults, ``instance/config.toml``, the environment, overrides);
``docs/OPERATIONS.md`` lists every one and a test keeps it so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vendorcheck.domain.ismap import DEFAULT_PATTERNS, parse_header_setting
from vendorcheck.domain.uploads import DEFAULT_QUOTA as _QUOTA

_MB = 1024 * 1024

ENV_PREFIX = "VENDORCHECK_"
INSTANCE_PATH_ENV = ENV_PREFIX + "INSTANCE_PATH"
INSTANCE_PATH_HELP = "インスタンスフォルダー（データベース・秘密鍵・config.toml の置き場所）。環境変数でのみ指定できます。"


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[Any], Any] = str
    secret: bool = False

    @property
    def env_name(self) -> str:
        return ENV_PREFIX + self.name


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "SECRET_KEY",
        None,
        "署名付きセッション・CSRF 用の秘密鍵。未設定なら instance/secret_key に生成して保存します。",
        secret=True,
    ),
    Setting(
        "DATABASE_URL",
        None,
        "データベースの URL。既定は sqlite:///instance/vendorcheck.db。PostgreSQL は postgresql://user:pass@host:5432/db。",
    ),
    Setting("DATABASE_POOL_SIZE", 10, "PostgreSQL の接続プールの最大接続数（プロセスごと）。", int),
    Setting("SQLITE_BUSY_TIMEOUT_MS", 10000, "SQLite がロック解除を待つ最大時間（ミリ秒）。", int),
    Setting("HOST", "127.0.0.1", "vendorcheck serve が待ち受けるアドレス。"),
    Setting("PORT", 5000, "vendorcheck serve が待ち受けるポート。", int),
    Setting("THREADS", 8, "vendorcheck serve（waitress）のワーカースレッド数。", int),
    Setting(
        "CONNECTION_LIMIT",
        100,
        "vendorcheck serve（waitress）が同時に受け付ける接続の上限。",
        int,
    ),
    Setting(
        "CHANNEL_TIMEOUT_SECONDS",
        120,
        "vendorcheck serve（waitress）が応答のない接続を閉じるまでの秒数。",
        int,
    ),
    Setting(
        "BASE_URL",
        None,
        "メールに載せるリンクの基点 URL（利用者から見えるアドレス）。未設定なら http://HOST:PORT。",
    ),
    Setting(
        "TRUSTED_PROXIES",
        0,
        "前段のリバースプロキシの段数。1 以上で X-Forwarded-For/Proto を信頼します。",
        int,
    ),
    Setting(
        "SESSION_LIFETIME_MINUTES",
        480,
        "ログインセッションの有効時間（分）。操作を続けていても、ログインからこの時間で終わります。",
        int,
    ),
    Setting(
        "SESSION_IDLE_MINUTES",
        30,
        "この時間（分）操作がないとログインセッションを終えます。",
        int,
    ),
    Setting(
        "SESSION_COOKIE_SECURE",
        False,
        "常に Secure 属性付きクッキーにする（HTTPS 経由の要求には自動で付きます）。",
        _bool,
    ),
    Setting("PASSWORD_MIN_LENGTH", 12, "パスワードの最小文字数。", int),
    Setting(
        "LOGIN_MAX_FAILURES",
        5,
        "同じログイン ID で連続して失敗できる回数（超えると一時ロック）。",
        int,
    ),
    Setting(
        "LOGIN_MAX_FAILURES_PER_ADDRESS",
        20,
        "同じ接続元アドレスから失敗できる回数（超えると一時ロック）。",
        int,
    ),
    Setting("LOGIN_LOCKOUT_MINUTES", 15, "ログイン失敗を数える時間幅とロックの長さ（分）。", int),
    Setting(
        "MAX_UPLOAD_MB",
        20,
        "1 回の要求で受け付ける最大サイズ（MB）。超えると 413 を返します。",
        int,
    ),
    Setting(
        "VENDOR_LINK_DAYS",
        60,
        "事業者へのリンクの有効日数（再発行で新しいリンクになります）。",
        int,
    ),
    Setting(
        "PORTAL_MAX_FAILURES_PER_ADDRESS",
        20,
        "無効なリンクへのアクセスを同じ接続元から許す回数（超えると一時的に 429）。",
        int,
    ),
    Setting("MAX_EVIDENCE_MB", 10, "証跡ファイル 1 件あたりの上限（MB）。", int),
    Setting(
        "EVIDENCE_MAX_FILES_PER_QUESTION",
        _QUOTA.files_per_question,
        "1 つの質問に添付できる証跡ファイルの件数。",
        int,
    ),
    Setting(
        "EVIDENCE_MAX_MB_PER_QUESTION",
        _QUOTA.bytes_per_question // _MB,
        "1 つの質問に添付できる証跡ファイルの合計（MB）。",
        int,
    ),
    Setting(
        "EVIDENCE_MAX_FILES_PER_ASSESSMENT",
        _QUOTA.files_per_assessment,
        "1 件の回答（事業者 1 社の確認書）に添付できる証跡ファイルの件数。",
        int,
    ),
    Setting(
        "EVIDENCE_MAX_MB_PER_ASSESSMENT",
        _QUOTA.bytes_per_assessment // _MB,
        "1 件の回答に添付できる証跡ファイルの合計（MB）。",
        int,
    ),
    Setting(
        "MAIL_MAX_ATTEMPTS",
        8,
        "メール送信を再試行する最大回数（超えると送信失敗として残します）。",
        int,
    ),
    Setting("MAIL_FROM", "vendorcheck@localhost", "送信メールの差出人アドレス。"),
    Setting("SMTP_HOST", "localhost", "メール送信に使う SMTP サーバー。"),
    Setting("SMTP_PORT", 25, "SMTP サーバーのポート。", int),
    Setting("SMTP_SECURITY", "none", "SMTP の暗号化: none / starttls / tls。"),
    Setting("SMTP_USERNAME", "", "SMTP 認証のユーザー名（空なら認証しません）。"),
    Setting("SMTP_PASSWORD", "", "SMTP 認証のパスワード。", secret=True),
    Setting("SMTP_TIMEOUT_SECONDS", 30, "SMTP 接続のタイムアウト（秒）。", int),
    Setting("LOG_LEVEL", "INFO", "ログの詳細度: DEBUG / INFO / WARNING / ERROR。"),
    Setting(
        "CONTRACT_LINK_DAYS_AFTER_END",
        180,
        "契約期間中の事業者用リンク（定期報告・事故報告・終了手続）が契約終了日の何日後まで有効か。",
        int,
    ),
    Setting(
        "REPORT_DUE_DAYS",
        10,
        "定期報告の提出期限: 報告の対象期間の末日から何日後か（契約作成時の既定値）。",
        int,
    ),
    Setting(
        "INCIDENT_SEVERE_CLASSIFICATIONS",
        "leak,unauthorised_access,malware",
        "統括情報セキュリティ責任者へ直ちに通知する事故の分類（leak, loss, tampering, unauthorised_access, malware, outage, other をカンマ区切り）。",
    ),
    Setting(
        "INCIDENT_SEVERE_PERSONAL_RECORDS",
        1,
        "この件数以上の個人情報が関わる事故は重大として直ちに通知します（0 で件数による判定なし）。",
        int,
    ),
    Setting(
        "QUESTIONNAIRES_DIR",
        None,
        "確認書（questionnaires/*.toml）のフォルダー。既定は同梱の確認書（リポジトリでは questionnaires/）。",
    ),
    Setting(
        "CLAUSES_DIR",
        None,
        "特記事項の条文ファイル（contract_templates/clauses/*.toml）のフォルダー。既定は同梱の条文（リポジトリでは contract_templates/clauses/）。",
    ),
    Setting(
        "ISMAP_SYNC_URL",
        "",
        "vendorcheck ismap sync が取得する ISMAP クラウドサービスリストの URL（CSV・XLSX・HTML）。空なら同期しません。",
    ),
    Setting(
        "ISMAP_LIU_SYNC_URL",
        "",
        "vendorcheck ismap sync が取得する ISMAP-LIU クラウドサービスリストの URL。空なら同期しません。",
    ),
    Setting(
        "ISMAP_HEADER_MAP",
        "",
        "ISMAP リストの見出しの対応（既定の日本語・英語の見出しに追加）。例: number=登録番号,No; provider=事業者",
        parse_header_setting,
    ),
    Setting(
        "ISMAP_NUMBER_PATTERN",
        DEFAULT_PATTERNS["ismap"],
        "ISMAP の登録番号の形（正規表現）。区分の列がないとき、番号からリストを判断します。",
    ),
    Setting(
        "ISMAP_LIU_NUMBER_PATTERN",
        DEFAULT_PATTERNS["ismap_liu"],
        "ISMAP-LIU の登録番号の形（正規表現）。",
    ),
    Setting(
        "ISMAP_SYNC_TIMEOUT_SECONDS",
        30,
        "ISMAP リスト取得の接続・読み取りのタイムアウト（秒）。",
        int,
    ),
    Setting(
        "ISMAP_SYNC_RETRIES", 3, "ISMAP リスト取得を再試行する回数（間隔は 1, 2, 4 … 秒）。", int
    ),
    Setting("ISMAP_MAX_MB", 20, "ISMAP リスト（取得・取り込むファイル）の最大サイズ（MB）。", int),
)

SETTINGS += (
    Setting(
        "SNS_PROCEDURE_TEMPLATE",
        None,
        "SNS 運用手順書の様式（TOML）。既定は同梱の様式（リポジトリでは contract_templates/sns_procedure.toml）。",
    ),
    Setting(
        "OFFICIAL_ACCOUNTS_PUBLIC",
        True,
        "公式アカウント一覧 /official-accounts（.json・.csv）をログインなしで公開する。",
        _bool,
    ),
    Setting(
        "OFFICIAL_LINKS_TIMEOUT_SECONDS",
        10,
        "check-official-links が公式ウェブサイトのページを取得するときのタイムアウト（秒）。",
        float,
    ),
    Setting(
        "OFFICIAL_LINKS_MAX_KB",
        2048,
        "check-official-links が読み込むページの上限（KB）。超えるページは確認できなかったとします。",
        int,
    ),
    Setting(
        "OFFICIAL_LINKS_ALLOW_PRIVATE",
        False,
        "check-official-links がプライベート・ループバックのアドレスにも接続することを許す（試験用）。",
        _bool,
    ),
)

SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
