from typing import Any

import filetype
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from . import caching, files, services
from .models import (
    Bug,
    CaseMessage,
    Document,
    Forum,
    Level,
    LevelApplication,
    LevelChange,
    LevelGrant,
    PartnerProfile,
    Program,
    Recommendation,
    Right,
    SectionPage,
    Solution,
    SupportCase,
    SupportLine,
    Upgrade,
)


def _staff(request: HttpRequest) -> User:
    """The staff member behind an admin request (the admin lets in no one else)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


class ForgetsOnChange(admin.ModelAdmin):
    """Every save or delete here changes what the cached pages show: forget it."""

    def forget(self) -> None:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self.forget()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        self.forget()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        self.forget()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        super().delete_queryset(request, queryset)
        self.forget()


class ForgetsRightsMatrix(ForgetsOnChange):
    def forget(self) -> None:
        caching.rights_matrix_changed()
        caching.documents_changed()  # the lists show their right's name


class LevelGrantInline(admin.TabularInline):
    model = LevelGrant
    extra = 0


@admin.register(Level)
class LevelAdmin(ForgetsRightsMatrix):
    list_display = ("number", "name", "builds_on", "requires_grounds", "requires_second_factor")
    inlines = [LevelGrantInline]


@admin.register(Right)
class RightAdmin(ForgetsRightsMatrix):
    list_display = ("code", "name", "condition", "url_name", "position")


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "price_net", "period_months", "for_sale")


class UploadForm(forms.ModelForm):
    """Staff upload the file itself; it is kept in the database, served only through the app."""

    upload = forms.FileField(label=_("Plik"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        upload = data.get("upload")
        if upload is None and not self.instance.file_id:
            self.add_error("upload", _("Dodaj plik."))
        elif upload is not None:
            # The type served later is read from the content, not from what the browser said.
            kind = filetype.guess(upload.read(8192))
            upload.seek(0)
            data["upload_type"] = kind.mime if kind is not None else "application/octet-stream"
        return data


class UploadAdmin(admin.ModelAdmin):
    form = UploadForm
    exclude = ("file",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        upload = form.cleaned_data.get("upload")
        if upload is not None:
            obj.file = files.store(upload, form.cleaned_data["upload_type"])
        super().save_model(request, obj, form, change)


@admin.register(Document)
class DocumentAdmin(UploadAdmin, ForgetsOnChange):
    list_display = ("title", "right", "published_at")
    list_filter = ("right",)
    search_fields = ("title",)

    def forget(self) -> None:
        caching.documents_changed()


@admin.register(Upgrade)
class UpgradeAdmin(UploadAdmin):
    list_display = ("program", "version", "released_on")
    list_filter = ("program",)


@admin.register(SectionPage)
class SectionPageAdmin(admin.ModelAdmin):
    list_display = ("title", "right", "slug", "position")
    list_filter = ("right",)


@admin.register(SupportLine)
class SupportLineAdmin(admin.ModelAdmin):
    list_display = ("label", "phone", "hours", "right")


@admin.register(Forum)
class ForumAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "right")


@admin.register(Bug)
class BugAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "program", "version", "status", "votes", "company")
    list_filter = ("status", "kind", "program")
    search_fields = ("title", "description")
    readonly_fields = ("reporter", "company", "votes", "created_at")

    def save_model(self, request: HttpRequest, obj: Bug, form: Any, change: bool) -> None:
        # A status change goes through the service, which tells the reporter.
        status = obj.status
        if change and "status" in form.changed_data:
            obj.status = Bug.objects.get(pk=obj.pk).status
            super().save_model(request, obj, form, change)
            services.bug_status_change(bug=obj, status=status, by=_staff(request))
            obj.status = status
        else:
            super().save_model(request, obj, form, change)


@admin.register(Solution)
class SolutionAdmin(admin.ModelAdmin):
    list_display = ("title", "company", "state", "created_at")
    list_filter = ("state",)
    readonly_fields = ("company", "author", "state", "created_at", "reviewed_at")
    actions = ["approve", "reject"]

    @admin.action(description=_("Opublikuj zaznaczone rozwiązania"))
    def approve(self, request: HttpRequest, queryset: Any) -> None:
        for solution in queryset:
            services.solution_review(
                solution=solution, approve=True, note=solution.review_note, by=_staff(request)
            )
        self.message_user(request, _("Opublikowano."), messages.SUCCESS)

    @admin.action(description=_("Odrzuć zaznaczone rozwiązania (powód z pola „uwagi obsługi”)"))
    def reject(self, request: HttpRequest, queryset: Any) -> None:
        for solution in queryset:
            services.solution_review(
                solution=solution, approve=False, note=solution.review_note, by=_staff(request)
            )
        self.message_user(request, _("Odrzucono."), messages.SUCCESS)


class CaseMessageInline(admin.TabularInline):
    model = CaseMessage
    extra = 0
    can_delete = False
    readonly_fields = ("author", "from_staff", "body", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseReplyForm(forms.ModelForm):
    reply = forms.CharField(
        label=_("Odpowiedź (wyślemy ją e-mailem)"),
        widget=forms.Textarea,
        required=False,
        max_length=20000,
    )

    class Meta:
        model = SupportCase
        fields = ("state",)


@admin.register(SupportCase)
class SupportCaseAdmin(admin.ModelAdmin):
    form = CaseReplyForm
    list_display = ("number", "subject", "company", "state", "created_at")
    list_filter = ("state",)
    readonly_fields = ("company", "created_by", "subject", "program", "created_at")
    inlines = [CaseMessageInline]

    def save_model(self, request: HttpRequest, obj: SupportCase, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        reply = form.cleaned_data.get("reply", "").strip()
        if reply:
            services.case_message_add(case=obj, author=_staff(request), body=reply, from_staff=True)


class LevelChangeInline(admin.TabularInline):
    model = LevelChange
    fk_name = "profile"
    extra = 0
    can_delete = False
    fields = ("from_level", "to_level", "who", "reason", "changed_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("zmienił"))
    def who(self, obj: LevelChange) -> str:
        return obj.who


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0
    can_delete = False
    fields = ("registration_number", "customer_name", "document")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("rekomendacja"))
    def document(self, obj: Recommendation) -> str:
        url = reverse("partners:staff-file", args=[obj.file_id])
        return format_html('<a href="{}">{}</a>', url, obj.file.name)


class DecisionForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Uzasadnienie decyzji (firma je otrzyma)"),
        widget=forms.Textarea,
        required=False,
        max_length=5000,
    )
    decision = forms.ChoiceField(
        label=_("Decyzja"),
        choices=[("", "—"), ("approve", _("przyjmij")), ("refuse", _("odrzuć"))],
        required=False,
    )

    class Meta:
        model = LevelApplication
        fields = ("reason",)


@admin.register(LevelApplication)
class LevelApplicationAdmin(admin.ModelAdmin):
    form = DecisionForm
    list_display = ("company", "level", "ground", "state", "created_at", "distributor_confirmed_at")
    list_filter = ("state", "ground", "level")
    readonly_fields = (
        "company",
        "level",
        "ground",
        "note",
        "state",
        "created_by",
        "created_at",
        "distributor",
        "distributor_confirmed_at",
        "decided_by",
        "decided_at",
    )
    inlines = [RecommendationInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: LevelApplication, form: Any, change: bool
    ) -> None:
        decision = form.cleaned_data.get("decision")
        if not decision:
            return
        try:
            services.application_decide(
                application=obj,
                approve=decision == "approve",
                reason=form.cleaned_data.get("reason", ""),
                by=_staff(request),
            )
        except services.PartnerError as error:
            self.message_user(request, error.message, messages.ERROR)


class ProfileForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("Powód zmiany poziomu (firma go otrzyma)"),
        widget=forms.Textarea,
        required=False,
        max_length=5000,
    )

    class Meta:
        model = PartnerProfile
        fields = (
            "organisation",
            "level",
            "ground",
            "subscription_sales",
            "on_distributor_list",
            "technician_until",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        level_changed = self.instance.pk and "level" in self.changed_data
        if level_changed and not (data.get("change_reason") or "").strip():
            self.add_error("change_reason", _("Podaj powód zmiany poziomu."))
        return data


@admin.register(PartnerProfile)
class PartnerProfileAdmin(admin.ModelAdmin):
    form = ProfileForm
    list_display = ("organisation", "level", "subscription_sales", "on_distributor_list")
    list_filter = ("level", "subscription_sales", "on_distributor_list")
    search_fields = ("organisation__name", "organisation__nip")
    readonly_fields = ("view_as",)
    inlines = [LevelChangeInline]

    @admin.display(description=_("Podgląd uprawnień"))
    def view_as(self, obj: PartnerProfile) -> str:
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("partners:view-as", args=[obj.pk]),
            _("Pokaż jako poziom…"),
        )

    def save_model(
        self, request: HttpRequest, obj: PartnerProfile, form: Any, change: bool
    ) -> None:
        """A level change goes through the service: recorded (who, when, why, from, to), told."""
        new_level = obj.level
        if change and "level" in form.changed_data:
            obj.level_id = PartnerProfile.objects.values_list("level_id", flat=True).get(pk=obj.pk)
            super().save_model(request, obj, form, change)
            services.partner_level_change(
                profile=obj,
                level=new_level,
                by=_staff(request),
                reason=form.cleaned_data["change_reason"],
            )
            obj.level = new_level
        else:
            super().save_model(request, obj, form, change)
