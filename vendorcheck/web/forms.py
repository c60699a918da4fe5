"""WTForms forms of the staff pages; every message is Japanese and says what to do."""

from __future__ import annotations

import unicodedata

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from vendorcheck.domain.contract_terms import LIMIT_BY_NAME, Limit
from vendorcheck.domain.roles import ROLES
from vendorcheck.services.errors import ServiceError, too_long
from vendorcheck.services.organisation import MAX_DEPARTMENT_NAME, MAX_ORGANISATION_NAME


class Form(FlaskForm):
    class Meta:
        locales = ("ja",)


def required(what: str, verb: str = "入力") -> DataRequired:
    return DataRequired(message=f"{what}を{verb}してください。")


def max_length(label: str, limit: int) -> Length:
    """The service's limit for a text field, with the service's own message."""
    return Length(max=limit, message=too_long(label, limit))


def apply_service_error(form: FlaskForm, error: ServiceError) -> None:
    """Show a service's message beside its field, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


class IsoDateField(DateField):
    """A date input whose error says what to type, in Japanese."""

    def __init__(self, label: str, **kwargs) -> None:
        super().__init__(label, format=["%Y-%m-%d", "%Y/%m/%d"], **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        try:  # NFKC: full-width digits and hyphens typed with a Japanese IME are accepted
            super().process_formdata([unicodedata.normalize("NFKC", v) for v in valuelist])
        except ValueError:
            raise ValueError(
                f"{self.label.text.split('（')[0]}は 2025-04-01 のように年-月-日の形で入力してください。"
            ) from None


class LoginForm(Form):
    login_id = StringField("ログイン ID", validators=[required("ログイン ID"), Length(max=64)])
    password = PasswordField("パスワード", validators=[required("パスワード"), Length(max=256)])


class PasswordChangeForm(Form):
    current_password = PasswordField("現在のパスワード", validators=[required("現在のパスワード")])
    new_password = PasswordField("新しいパスワード", validators=[required("新しいパスワード")])
    confirm_password = PasswordField(
        "新しいパスワード（確認）", validators=[required("確認のため新しいパスワード")]
    )

    def validate_confirm_password(self, field: PasswordField) -> None:
        if field.data != self.new_password.data:
            raise ValidationError(
                "確認のパスワードが一致しません。同じパスワードを2回入力してください。"
            )


def choices(pairs) -> list[SelectChoice]:
    """Build SelectField choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def role_choices() -> list[SelectChoice]:
    return choices((role.id, role.label) for role in ROLES)


class StaffCreateForm(Form):
    login_id = StringField(
        "ログイン ID",
        validators=[
            required("ログイン ID"),
            Length(min=3, max=64, message="ログイン ID は3〜64文字で入力してください。"),
        ],
        description="半角英数字と . _ @ - が使えます。後から変更できません。",
    )
    display_name = StringField("氏名", validators=[required("氏名"), Length(max=100)])
    email = StringField(
        "メールアドレス",
        validators=[
            Optional(),
            Email(message="メールアドレスの形式で入力してください。"),
            Length(max=254),
        ],
    )
    role = SelectField("役割", choices=role_choices(), validators=[required("役割", "選択")])
    department_id = SelectField("所属部局", coerce=int, validators=[Optional()])


class StaffEditForm(Form):
    display_name = StringField("氏名", validators=[required("氏名"), Length(max=100)])
    email = StringField(
        "メールアドレス",
        validators=[
            Optional(),
            Email(message="メールアドレスの形式で入力してください。"),
            Length(max=254),
        ],
    )
    role = SelectField("役割", choices=role_choices(), validators=[required("役割", "選択")])
    department_id = SelectField("所属部局", coerce=int, validators=[Optional()])
    active = BooleanField("有効（ログインできる）")


class DepartmentForm(Form):
    name = StringField(
        "部局名",
        validators=[
            required("部局名"),
            max_length("部局名", MAX_DEPARTMENT_NAME),
        ],
    )


class DepartmentEditForm(DepartmentForm):
    active = BooleanField("有効")
    contact_name = StringField("担当者名（事業者に表示）", validators=[Optional()])
    phone = StringField("電話番号（事業者に表示）", validators=[Optional()])
    email = StringField("メールアドレス（事業者に表示）", validators=[Optional()])


def limit_field(limit: Limit) -> IntegerField:
    """A day limit of the annex (contract_terms.LIMITS); empty keeps the current value."""
    bounds = f"1〜{limit.maximum}の範囲で入力してください。"
    return IntegerField(
        f"{limit.label}（{limit.unit}）",
        validators=[Optional(), NumberRange(min=1, max=limit.maximum, message=bounds)],
        description=limit.help,
    )


class OrganisationForm(Form):
    name = StringField(
        "団体名",
        validators=[
            required("団体名"),
            max_length("団体名", MAX_ORGANISATION_NAME),
        ],
        description="契約書の特記事項や報告書に印字されます（例: ○○市）。",
    )
    classification_scheme = SelectField(
        "情報の分類体系", validators=[required("情報の分類体系", "選択")]
    )
    classification_extra_levels = TextAreaField(
        "追加の区分（任意）",
        validators=[Optional(), Length(max=2000)],
        description="独自の細区分を1行に1つ「区分=段階」で書きます（例: 2A=2）。段階は 1〜3 です。",
    )
    party_terms = SelectField(
        "契約書での当事者の呼び方", validators=[required("当事者の呼び方", "選択")]
    )
    incident_report_hours = IntegerField(
        "事故報告の期限（時間）",
        validators=[
            InputRequired(message="事故報告の期限を入力してください。"),
            NumberRange(min=1, max=720, message="1〜720の範囲で入力してください。"),
        ],
        description="情報セキュリティ事故を知ってから報告させるまでの時間。特記事項に記載されます。",
    )
    self_term = StringField(
        "確認書での自団体の呼び方",
        validators=[Optional(), Length(max=20, message="20文字以内で入力してください。")],
        description="確認書の「当団体」の部分に入ります（例: 当組合、当市、当町）。",
    )
    written_report_days = limit_field(LIMIT_BY_NAME["書面報告期限日数"])
    return_days = limit_field(LIMIT_BY_NAME["返還期限日数"])
    erasure_certificate_days = limit_field(LIMIT_BY_NAME["消去証明期限日数"])
    corrective_plan_days = limit_field(LIMIT_BY_NAME["是正計画期限日数"])


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # a GET search form

    # operation and object codes are shown as recorded: auditors search the log by them
    action = SelectField("操作", validators=[Optional()], render_kw={"data-raw-id": ""})
    object_type = SelectField("対象の種類", validators=[Optional()], render_kw={"data-raw-id": ""})
    actor = StringField("操作した人", validators=[Optional(), Length(max=100)])
    text = StringField("キーワード", validators=[Optional(), Length(max=200)])
    since = DateField("開始日", validators=[Optional()], format="%Y-%m-%d")
    until = DateField("終了日", validators=[Optional()], format="%Y-%m-%d")
