"""The partner's pages. Every page states the right it needs; rows are found through the company."""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import statements
from accounts.audit import security_event
from accounts.downloads import csv_download, file_download
from accounts.models import AuthenticatedRequest, Organisation
from accounts.roles import Role
from accounts.views import TwoFactorLoginView
from invoicing.ksef import invoice_fa3_xml
from invoicing.pdf import invoice_pdf
from payments import services as payment_services
from payments.providers.base import ProviderError

from . import caching, files, selectors, services
from . import shop as shop_service
from .access import View, current_partner, forbidden, partner_required, right_required
from .forms import (
    ApplicationForm,
    BugFilterForm,
    BugForm,
    CartAddForm,
    CaseForm,
    CaseReplyForm,
    CommentForm,
    PayForm,
    PostForm,
    RecommendationFormSet,
    RegistrationForm,
    SearchForm,
    SolutionForm,
    TopicForm,
)
from .markdown import render_markdown
from .models import (
    Bug,
    BugVote,
    CartItem,
    Document,
    Forum,
    Level,
    LevelApplication,
    Order,
    PartnerProfile,
    Post,
    Program,
    Right,
    SalesRegistration,
    SectionPage,
    Solution,
    StoredFile,
    SupportCase,
    SupportLine,
    Topic,
    TopicRead,
    Upgrade,
)
from .payables import PAYABLE_TYPE
from .rights import explain, next_level_of, profile_of
from .templatetags.partner_rights import post_articles


class PartnerLoginView(TwoFactorLoginView):
    """User name and password; companies whose level needs it go on to the TOTP step."""

    namespace = "partners"
    role = Role.PARTNER
    template_name = "partners/login.html"

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        profile = profile_of(user) if user.has_role(Role.PARTNER) else None
        if profile is None:
            security_event("access.refused", request=self.request, who=f"user:{user.pk}")
            form.add_error(None, _("To konto nie należy do firmy partnerskiej."))
            return self.form_invalid(form)
        today = timezone.localdate()
        if (
            profile.level.requires_second_factor
            or profile.effective_level(today).requires_second_factor
        ):
            return super().form_valid(form)
        auth_login(self.request, user)
        return redirect(self.get_redirect_url() or "partners:home")


login = PartnerLoginView.as_view(extra_context={"heading": gettext_lazy("Logowanie partnera")})


@partner_required
@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    partner = current_partner(request)
    profile = partner.profile
    context = {
        "partner": partner,
        "profile": profile,
        "expired": partner.level.pk != profile.level_id,
        "held": selectors.rights_held(partner),
        "next": next_level_of(profile, partner.today),
        "readiness": selectors.application_readiness(profile),
        "last_change": selectors.last_level_change(profile),
        "apply_url": reverse("partners:apply"),
        "documents": selectors.latest_documents(partner),
        "forums": selectors.unread_topics(partner),
    }
    return render(request, "partners/home.html", context)


@staff_member_required
@require_GET
def view_as(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Staff: every right of a company as it stands, or as it would be at level N."""
    profile = get_object_or_404(
        PartnerProfile.objects.select_related("organisation", "level"), pk=pk
    )
    level = None
    number = request.GET.get("poziom", "")
    if number.isdigit():
        level = Level.objects.filter(pk=int(number)).first()
        if level is None:
            messages.error(request, _("Nie ma takiego poziomu."))
    today = timezone.localdate()
    rows = [explain(profile, right, today=today, level=level) for right in Right.objects.all()]
    context = {
        "profile": profile,
        "rows": rows,
        "levels": Level.objects.all(),
        "viewed": level or profile.effective_level(today),
    }
    return render(request, "partners/view_as.html", context)


# Documents: libraries and sections ------------------------------------------------------

PER_PAGE = 20


def _file_response(stored: StoredFile) -> HttpResponseBase:
    return file_download(bytes(stored.data), filename=stored.name, content_type=stored.content_type)


def _library(code: str, template: str = "partners/library.html") -> View:
    @right_required(code)
    @require_GET
    def view(request: AuthenticatedRequest) -> HttpResponse:
        right = Right.objects.get(code=code)
        form = SearchForm(request.GET or None)
        documents = Document.objects.filter(right=right).select_related("file").defer("file__data")
        query = form.cleaned_data["q"] if form.is_valid() else ""
        if query:
            documents = documents.filter(
                Q(title__icontains=query) | Q(description__icontains=query)
            )
        page = Paginator(documents, PER_PAGE).get_page(request.GET.get("strona"))
        pages = SectionPage.objects.filter(right=right).only("slug", "title", "right_id")
        context = {"right": right, "page": page, "form": form, "pages": pages, "q": query}
        return render(request, template, context)

    view.__name__ = f"library_{code}"
    return view


technical_materials = _library("technical_materials")
service_materials = _library("service_materials")
technician_materials = _library("technician_materials")
pi_section = _library("pi_section", "partners/section.html")
api_section = _library("api_section", "partners/section.html")


@partner_required
@require_GET
def document_download(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """Every download checks the right of the document's library, now."""
    document = get_object_or_404(Document.objects.select_related("right", "file"), pk=pk)
    partner = current_partner(request)
    if not partner.has(document.right.code):
        return forbidden(request, partner, document.right.code)
    return _file_response(document.file)


@partner_required
@require_GET
def section_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    page = get_object_or_404(SectionPage.objects.select_related("right"), pk=pk)
    partner = current_partner(request)
    if not partner.has(page.right.code):
        return forbidden(request, partner, page.right.code)
    siblings = SectionPage.objects.filter(right=page.right).only("title", "right_id")
    context = {"section": page, "body": render_markdown(page.body), "siblings": siblings}
    return render(request, "partners/section_page.html", context)


@dataclass(frozen=True)
class UpgradeRow:
    upgrade: Upgrade
    notes_html: str


@right_required("upgrades")
@require_GET
def upgrades(request: AuthenticatedRequest) -> HttpResponse:
    rows = Upgrade.objects.select_related("program", "file").defer("file__data")
    program = request.GET.get("program", "")
    if program.isdigit():
        rows = rows.filter(program_id=int(program))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("strona"))
    context = {
        "page": page,
        "rows": [UpgradeRow(u, render_markdown(u.release_notes)) for u in page],
        "programs": Program.objects.all(),
        "program": program,
    }
    return render(request, "partners/upgrades.html", context)


@right_required("upgrades")
@require_GET
def upgrade_download(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    upgrade = get_object_or_404(Upgrade.objects.select_related("file"), pk=pk)
    return _file_response(upgrade.file)


SUPPORT_LINE_RIGHTS = ("partner_support_line", "mobile_support_line", "technician_support_line")


@partner_required
@require_GET
def support_lines(request: AuthenticatedRequest) -> HttpResponse:
    """Only the numbers the company holds a right to; none at all is the 403 page."""
    partner = current_partner(request)
    held = [code for code in SUPPORT_LINE_RIGHTS if partner.has(code)]
    if not held:
        return forbidden(request, partner, SUPPORT_LINE_RIGHTS[0])
    lines = SupportLine.objects.filter(right__code__in=held).select_related("right")
    return render(request, "partners/support_lines.html", {"lines": lines})


# Forums ------------------------------------------------------------------------------


def _forum_for(request: AuthenticatedRequest, forum: Forum) -> HttpResponse | None:
    partner = current_partner(request)
    if not partner.has(forum.right.code):
        return forbidden(request, partner, forum.right.code)
    return None


@partner_required
@require_http_methods(["GET", "POST"])
def forum_index(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    forum = get_object_or_404(Forum.objects.select_related("right"), slug=slug)
    if (refused := _forum_for(request, forum)) is not None:
        return refused
    partner = current_partner(request)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        topic = services.topic_create(
            forum=forum, author=request.user, company=partner.company, **form.cleaned_data
        )
        return redirect("partners:topic", pk=topic.pk)
    search = SearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    topics = selectors.topics_for(forum=forum, user=request.user, query=query)
    page = Paginator(topics, PER_PAGE).get_page(request.GET.get("strona"))
    context = {"forum": forum, "page": page, "form": form, "search": search, "q": query}
    return render(request, "partners/forum.html", context)


# What a topic page shows of a post (rows, not models: 20 a page, every page view):
# the HTML stored when it was written, never the Markdown source.
POST_COLUMNS = (
    "pk",
    "created_at",
    "reply_to_id",
    "body_html",
    "author__username",
    "author__first_name",
    "author__last_name",
    "company__name",
)


def _topic_with_read_at() -> QuerySet[Topic]:
    """A topic (`statements.ID`) with its forum and when the user (`OTHER_ID`) last read it;
    compiled once (`accounts.statements`): the forum's most visited page asks for it."""
    read_at = TopicRead.objects.filter(topic=OuterRef("pk"), user_id=statements.OTHER_ID)
    return (
        Topic.objects.select_related("forum__right")
        .annotate(read_at=Subquery(read_at.values("read_at")[:1]))
        .filter(pk=statements.ID)
    )


@partner_required
@require_http_methods(["GET", "POST"])
def topic_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = statements.objects(
        _topic_with_read_at, {statements.ID: pk, statements.OTHER_ID: request.user.pk}
    )
    if not found:
        raise Http404
    topic: Topic = found[0]
    if (refused := _forum_for(request, topic.forum)) is not None:
        return refused
    partner = current_partner(request)
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reply_to = None
        if form.cleaned_data["reply_to"]:
            reply_to = get_object_or_404(Post, pk=form.cleaned_data["reply_to"], topic=topic)
        post = services.post_create(
            topic=topic,
            author=request.user,
            company=partner.company,
            body=form.cleaned_data["body"],
            reply_to=reply_to,
        )
        last = -(-(topic.post_count + 1) // PER_PAGE)
        return redirect(f"{reverse('partners:topic', args=[topic.pk])}?strona={last}#p{post.pk}")
    # Pages of the counter kept by post_create (no COUNT(*)); a page's posts are read only
    # when its HTML is not in the cache.
    page = Paginator(range(topic.post_count), PER_PAGE).get_page(request.GET.get("strona"))

    def render_posts() -> str:
        posts = Post.objects.filter(topic=topic).values(*POST_COLUMNS)
        first = max(page.start_index() - 1, 0)  # start_index() is 0 on an empty topic
        return post_articles(posts[first : page.end_index()])

    posts_html = caching.topic_page_html(topic=topic, number=page.number, render=render_posts)
    if topic.read_at is None or topic.read_at < topic.last_post_at:  # type: ignore[attr-defined]  # annotated by the selector
        services.topic_mark_read(topic=topic, user=request.user)
    context = {"topic": topic, "page": page, "posts_html": posts_html, "form": form}
    return render(request, "partners/topic.html", context)


# Bugs and suggestions -------------------------------------------------------------------


@right_required("bug_database")
@require_http_methods(["GET", "POST"])
def bug_list(request: AuthenticatedRequest) -> HttpResponse:
    partner = current_partner(request)
    form = BugForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        bug = services.bug_report(
            reporter=request.user, company=partner.company, **form.cleaned_data
        )
        messages.success(request, _("Zgłoszenie zostało zapisane."))
        return redirect("partners:bug", pk=bug.pk)
    filters = BugFilterForm(request.GET or None)
    bugs = Bug.objects.select_related("program")
    if filters.is_valid():
        data = filters.cleaned_data
        if data["q"]:
            bugs = bugs.filter(Q(title__icontains=data["q"]) | Q(description__icontains=data["q"]))
        if data["program"]:
            bugs = bugs.filter(program=data["program"])
        if data["status"]:
            bugs = bugs.filter(status=data["status"])
    page = Paginator(bugs, PER_PAGE).get_page(request.GET.get("strona"))
    return render(request, "partners/bugs.html", {"page": page, "form": form, "filters": filters})


@right_required("bug_database")
@require_http_methods(["GET", "POST"])
def bug_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    bug = get_object_or_404(Bug.objects.select_related("program"), pk=pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.bug_comment(bug=bug, author=request.user, body=form.cleaned_data["body"])
        return redirect("partners:bug", pk=bug.pk)
    comments = bug.comments.select_related("author")
    voted = BugVote.objects.filter(bug=bug, user=request.user).exists()
    context = {"bug": bug, "comments": comments, "form": form, "voted": voted}
    return render(request, "partners/bug.html", context)


@right_required("bug_database")
@require_POST
def bug_vote(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    bug = get_object_or_404(Bug, pk=pk)
    if services.bug_vote(bug=bug, user=request.user):
        messages.success(request, _("Dziękujemy za głos."))
    else:
        messages.info(request, _("Już głosowałeś na to zgłoszenie."))
    return redirect("partners:bug", pk=bug.pk)


# Sales registration -------------------------------------------------------------------------


def _registrations_of(request: AuthenticatedRequest) -> QuerySet[SalesRegistration]:
    partner = current_partner(request)
    return SalesRegistration.objects.filter(company=partner.company).select_related("program")


@right_required("sales_registration")
@require_http_methods(["GET", "POST"])
def registrations(request: AuthenticatedRequest) -> HttpResponse:
    partner = current_partner(request)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sales_register(company=partner.company, user=request.user, **form.cleaned_data)
        except services.PartnerError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Sprzedaż została zarejestrowana."))
            return redirect("partners:registrations")
    page = Paginator(_registrations_of(request), PER_PAGE).get_page(request.GET.get("strona"))
    context = {"page": page, "form": form, "hold_days": settings.PARTNER_SALES_HOLD_DAYS}
    return render(request, "partners/registrations.html", context)


def _registration_rows(request: AuthenticatedRequest) -> Iterator[list[object]]:
    yield [
        _("NIP klienta"),
        _("Klient"),
        _("Program"),
        _("Licencje"),
        _("Data"),
        _("Zastrzeżona do"),
    ]
    for row in _registrations_of(request).iterator(chunk_size=500):
        yield [
            row.customer_nip,
            row.customer_name,
            row.program.name,
            row.licences,
            timezone.localtime(row.registered_at).strftime("%d.%m.%Y %H:%M"),
            timezone.localtime(row.holds_until).strftime("%d.%m.%Y"),
        ]


@right_required("sales_registration")
@require_GET
def registrations_csv(request: AuthenticatedRequest) -> HttpResponseBase:
    """Every cell goes through the shared writer, which neutralises = + - @ at the start."""
    return csv_download(_registration_rows(request), filename="rejestracje-sprzedazy.csv")


# Own solutions ---------------------------------------------------------------------------


@partner_required
@require_GET
def solutions(request: AuthenticatedRequest) -> HttpResponse:
    """Published solutions for every partner; the company's own in any state."""
    partner = current_partner(request)
    published = Solution.objects.filter(state=Solution.State.APPROVED).select_related("company")
    own = Solution.objects.filter(company=partner.company)
    context = {
        "published": Paginator(published, PER_PAGE).get_page(request.GET.get("strona")),
        "own": own,
        "can_submit": partner.has("own_solutions"),
    }
    return render(request, "partners/solutions.html", context)


@right_required("own_solutions")
@require_http_methods(["GET", "POST"])
def solution_create(request: AuthenticatedRequest) -> HttpResponse:
    partner = current_partner(request)
    form = SolutionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        stored = [files.store(upload, m) for upload, m in form.cleaned_data["attachments"]]
        solution = services.solution_submit(
            company=partner.company,
            author=request.user,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            files=stored,
        )
        messages.success(request, _("Rozwiązanie czeka na akceptację obsługi."))
        return redirect("partners:solution", pk=solution.pk)
    return render(request, "partners/solution_form.html", {"form": form})


def _get_solution_for_partner(request: AuthenticatedRequest, pk: int) -> Solution:
    """A published solution, or one of the company's own: anything else is 404."""
    partner = current_partner(request)
    visible = Q(state=Solution.State.APPROVED) | Q(company=partner.company)
    return get_object_or_404(Solution.objects.filter(visible).select_related("company"), pk=pk)


@partner_required
@require_GET
def solution_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    solution = _get_solution_for_partner(request, pk)
    files_ = solution.files.select_related("file").defer("file__data")
    context = {"solution": solution, "body": render_markdown(solution.description), "files": files_}
    return render(request, "partners/solution.html", context)


@partner_required
@require_GET
def solution_file(request: AuthenticatedRequest, pk: int, file_pk: int) -> HttpResponseBase:
    solution = _get_solution_for_partner(request, pk)
    attached = get_object_or_404(solution.files.select_related("file"), pk=file_pk)
    return _file_response(attached.file)


# Support questions -------------------------------------------------------------------------


def _get_case_for_partner(request: AuthenticatedRequest, pk: int) -> SupportCase:
    partner = current_partner(request)
    return get_object_or_404(SupportCase, pk=pk, company=partner.company)


@right_required("support_questions")
@require_http_methods(["GET", "POST"])
def cases(request: AuthenticatedRequest) -> HttpResponse:
    partner = current_partner(request)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = services.case_open(company=partner.company, user=request.user, **form.cleaned_data)
        messages.success(request, _("Zapytanie %(n)s zostało wysłane.") % {"n": case.number})
        return redirect("partners:case", pk=case.pk)
    rows = SupportCase.objects.filter(company=partner.company).select_related("program")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("strona"))
    return render(request, "partners/cases.html", {"page": page, "form": form})


@right_required("support_questions")
@require_http_methods(["GET", "POST"])
def case_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _get_case_for_partner(request, pk)
    form = CaseReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.case_message_add(
            case=case, author=request.user, body=form.cleaned_data["body"], from_staff=False
        )
        return redirect("partners:case", pk=case.pk)
    thread = case.messages.select_related("author")
    return render(request, "partners/case.html", {"case": case, "thread": thread, "form": form})


# Applying for a level ------------------------------------------------------------------


def _recommendation_uploads(formset: Any) -> list[services.RecommendationUpload]:
    uploads = []
    for data in formset.cleaned_data:
        if data.get("file"):
            uploads.append(
                services.RecommendationUpload(
                    registration_number=data["registration_number"],
                    customer_name=data["customer_name"],
                    file=files.store(data["file"], data["content_type"]),
                )
            )
    return uploads


@partner_required
@require_http_methods(["GET", "POST"])
def apply(request: AuthenticatedRequest) -> HttpResponse:
    partner = current_partner(request)
    post = request.POST if request.method == "POST" else None
    form = ApplicationForm(post, current=partner.profile.level)
    formset = RecommendationFormSet(post, request.FILES or None, prefix="rek")
    if post is not None and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        distributor = None
        if data["distributor_nip"]:
            distributor = Organisation.objects.filter(
                kind=Organisation.Kind.PARTNER,
                nip=data["distributor_nip"],
                partner_profile__on_distributor_list=True,
            ).first()
        try:
            if (
                data["ground"] == LevelApplication.Ground.DISTRIBUTOR_RECOMMENDATION
                and not distributor
            ):
                raise services.PartnerError(_("Nie znaleźliśmy dystrybutora o tym NIP na liście."))
            with transaction.atomic():
                services.application_submit(
                    company=partner.company,
                    user=request.user,
                    level=data["level"],
                    ground=data["ground"],
                    note=data["note"],
                    recommendations=_recommendation_uploads(formset),
                    distributor=distributor,
                )
        except services.PartnerError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Wniosek został złożony. Poinformujemy Cię e-mailem."))
            return redirect("partners:apply")
    history = LevelApplication.objects.filter(company=partner.company).select_related("level")
    context = {"form": form, "formset": formset, "history": history, "partner": partner}
    return render(request, "partners/apply.html", context)


def _distributor_of(request: AuthenticatedRequest) -> Organisation | None:
    partner = current_partner(request)
    return partner.company if partner.profile.on_distributor_list else None


@partner_required
@require_GET
def recommendations(request: AuthenticatedRequest) -> HttpResponse:
    """A distributor sees the applications that name it, and confirms them."""
    distributor = _distributor_of(request)
    if distributor is None:
        return render(request, "partners/not_distributor.html", status=403)
    pending = LevelApplication.objects.filter(
        distributor=distributor, state=LevelApplication.State.PENDING
    ).select_related("company", "level")
    return render(request, "partners/recommendations.html", {"pending": pending})


@partner_required
@require_POST
def recommendation_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    distributor = _distributor_of(request)
    if distributor is None:
        raise Http404
    application = get_object_or_404(
        LevelApplication, pk=pk, distributor=distributor, state=LevelApplication.State.PENDING
    )
    services.recommendation_confirm(
        application=application,
        distributor=distributor,
        user=request.user,
    )
    messages.success(request, _("Rekomendacja została potwierdzona."))
    return redirect("partners:recommendations")


@staff_member_required
@require_GET
def staff_file(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """Staff open an uploaded file (a recommendation) from the admin."""
    return _file_response(get_object_or_404(StoredFile, pk=pk))


# Buying programs and subscriptions -----------------------------------------------------------

SHOP_RIGHTS = ("buy_programs", "buy_subscriptions")


def _shop_refused(request: AuthenticatedRequest) -> HttpResponse | None:
    partner = current_partner(request)
    if not any(partner.has(code) for code in SHOP_RIGHTS):
        return forbidden(request, partner, SHOP_RIGHTS[0])
    return None


@dataclass(frozen=True)
class PricedProgram:
    program: Program
    unit_gross: Decimal


@dataclass(frozen=True)
class CartLine:
    item: CartItem
    total: Decimal


@partner_required
@require_GET
def shop(request: AuthenticatedRequest) -> HttpResponse:
    """The price list (what the company may buy), the cart and the company's orders."""
    if (refused := _shop_refused(request)) is not None:
        return refused
    partner = current_partner(request)
    kinds = [kind for kind, code in shop_service.RIGHT_OF_KIND.items() if partner.has(code)]
    programs = [
        PricedProgram(program, shop_service.unit_gross(program))
        for program in Program.objects.filter(for_sale=True, kind__in=kinds)
    ]
    cart = [
        CartLine(item, shop_service.unit_gross(item.program) * item.quantity)
        for item in CartItem.objects.filter(company=partner.company).select_related("program")
    ]
    orders = Order.objects.filter(company=partner.company)[:20]
    context = {
        "programs": programs,
        "cart": cart,
        "cart_total": sum((item.total for item in cart), Decimal("0")),
        "orders": orders,
        "no_subscriptions": not partner.has("buy_subscriptions"),
    }
    return render(request, "partners/shop.html", context)


@partner_required
@require_POST
def cart_add(request: AuthenticatedRequest) -> HttpResponse:
    if (refused := _shop_refused(request)) is not None:
        return refused
    partner = current_partner(request)
    form = CartAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Wybierz program i ilość (1–1000)."))
        return redirect("partners:shop")
    try:
        shop_service.cart_add(profile=partner.profile, **form.cleaned_data)
    except services.PartnerError as error:
        messages.error(request, error.message)
    return redirect("partners:shop")


@partner_required
@require_POST
def cart_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    partner = current_partner(request)
    get_object_or_404(CartItem, pk=pk, company=partner.company).delete()
    return redirect("partners:shop")


@partner_required
@require_POST
def order_place(request: AuthenticatedRequest) -> HttpResponse:
    if (refused := _shop_refused(request)) is not None:
        return refused
    partner = current_partner(request)
    try:
        order = shop_service.order_place(profile=partner.profile, user=request.user)
    except services.PartnerError as error:
        messages.error(request, error.message)
        return redirect("partners:shop")
    return redirect("partners:order", pk=order.pk)


def _get_order_for_partner(request: AuthenticatedRequest, pk: int) -> Order:
    partner = current_partner(request)
    return get_object_or_404(
        Order.objects.select_related("invoice"), pk=pk, company=partner.company
    )


@partner_required
@require_http_methods(["GET", "POST"])
def order_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The order; pay it (BLIK, transfer, card); after payment its keys, periods and invoice."""
    order = _get_order_for_partner(request, pk)
    form = PayForm(request.POST or None)
    if request.method == "POST" and order.state == Order.State.PENDING and form.is_valid():
        try:
            _payment, url = payment_services.payment_start(
                payable_type=PAYABLE_TYPE,
                payable_id=str(order.pk),
                amount=order.total_gross,
                description=f"Zamówienie {order.number}",
                customer_email=request.user.email,
                method=form.cleaned_data["method"],
                success_url=reverse("partners:order", args=[order.pk]),
                cancel_url=reverse("partners:order", args=[order.pk]),
            )
        except (payment_services.PaymentStartError, ProviderError):
            form.add_error(
                None, _("Nie udało się rozpocząć płatności. Spróbuj ponownie za chwilę.")
            )
        else:
            return HttpResponseRedirect(url, status=303)
    lines = order.lines.select_related("program").prefetch_related("keys")
    return render(request, "partners/order.html", {"order": order, "lines": lines, "form": form})


@partner_required
@require_GET
def order_invoice(request: AuthenticatedRequest, pk: int, kind: str) -> HttpResponseBase:
    order = _get_order_for_partner(request, pk)
    if order.invoice is None or kind not in ("pdf", "xml"):
        raise Http404
    name = order.invoice.number.replace("/", "-")
    if kind == "pdf":
        return file_download(invoice_pdf(order.invoice), filename=f"{name}.pdf")
    return file_download(
        invoice_fa3_xml(order.invoice), filename=f"{name}.xml", content_type="application/xml"
    )
