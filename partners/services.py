"""Use cases of the partner area: each writes its rows and queues what it sends."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from notifications.services import email_enqueue

from . import caching
from .markdown import render_markdown
from .models import (
    Bug,
    BugComment,
    BugVote,
    CaseMessage,
    Forum,
    Level,
    LevelApplication,
    LevelChange,
    PartnerProfile,
    Post,
    Program,
    Recommendation,
    SalesClaim,
    SalesRegistration,
    Solution,
    SolutionFile,
    StoredFile,
    SupportCase,
    Topic,
    TopicRead,
)
from .selectors import RECOMMENDATIONS_NEEDED


class PartnerError(Exception):
    """A use case refused; `message` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def notify(*, to: str, subject: str, paragraphs: list[str], path: str = "", topic: str) -> None:
    """One e-mail to a partner (or staff) through the outbox, after commit."""
    if not to:
        return
    email_enqueue(
        to=to,
        template="partner_notice",
        context={"subject": subject, "paragraphs": paragraphs, "path": path},
        topic=topic,
    )


def company_email(company: Organisation) -> str:
    if company.email:
        return company.email
    owner = company.members.exclude(email="").order_by("memberships__pk").first()
    return owner.email if owner else ""


# Forums -----------------------------------------------------------------------------


@transaction.atomic
def topic_create(
    *, forum: Forum, author: User, company: Organisation, title: str, body: str
) -> Topic:
    now = timezone.now()
    topic = Topic.objects.create(
        forum=forum, title=title, author=author, company=company, last_post_at=now
    )
    post_create(topic=topic, author=author, company=company, body=body)
    return topic


@transaction.atomic
def post_create(
    *, topic: Topic, author: User, company: Organisation, body: str, reply_to: Post | None = None
) -> Post:
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if reply_to is not None and reply_to.topic_id != topic.pk:
        raise PartnerError(_("Odpowiedź musi dotyczyć wpisu z tego wątku."))
    post = Post.objects.create(
        topic=topic,
        author=author,
        company=company,
        body=body,
        body_html=render_markdown(body),
        reply_to=reply_to,
    )
    Topic.objects.filter(pk=topic.pk).update(
        post_count=F("post_count") + 1, last_post_at=post.created_at
    )
    topic_mark_read(topic=topic, user=author, at=post.created_at)
    return post


def topic_mark_read(*, topic: Topic, user: User, at: datetime | None = None) -> None:
    """One upsert, whether or not the user has read the topic before."""
    TopicRead.objects.bulk_create(
        [TopicRead(user=user, topic=topic, read_at=at or timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "topic"],
        update_fields=["read_at"],
    )


# Bugs and suggestions ---------------------------------------------------------------


@transaction.atomic
def bug_report(
    *,
    reporter: User,
    company: Organisation,
    kind: str,
    program: Program,
    version: str,
    title: str,
    description: str,
) -> Bug:
    return Bug.objects.create(
        reporter=reporter,
        company=company,
        kind=kind,
        program=program,
        version=version,
        title=title,
        description=description,
    )


@transaction.atomic
def bug_comment(*, bug: Bug, author: User, body: str) -> BugComment:
    return BugComment.objects.create(bug=bug, author=author, body=body)


@transaction.atomic
def bug_vote(*, bug: Bug, user: User) -> bool:
    """One vote per user; True when this call counted it."""
    try:
        with transaction.atomic():
            BugVote.objects.create(bug=bug, user=user)
    except IntegrityError:
        return False
    Bug.objects.filter(pk=bug.pk).update(votes=F("votes") + 1)
    return True


@transaction.atomic
def bug_status_change(*, bug: Bug, status: str, by: User) -> Bug:
    """Staff set a new status; the reporter is told by e-mail."""
    bug = Bug.objects.select_for_update().select_related("reporter").get(pk=bug.pk)
    if bug.status == status:
        return bug
    bug.status = status
    bug.save(update_fields=["status"])
    notify(
        to=bug.reporter.email,
        subject=_("Zgłoszenie „%(title)s”: %(status)s")
        % {
            "title": bug.title,
            "status": bug.get_status_display(),
        },
        paragraphs=[
            _("Zmieniliśmy status Twojego zgłoszenia w Bazie Błędów i Sugestii na: %(status)s.")
            % {"status": bug.get_status_display()}
        ],
        path=reverse("partners:bug", args=[bug.pk]),
        topic=f"partners-bug:{bug.pk}",
    )
    return bug


# Sales registration -------------------------------------------------------------------


class RegistrationUnavailable(PartnerError):
    pass


def _hold() -> timedelta:
    return timedelta(days=settings.PARTNER_SALES_HOLD_DAYS)


@transaction.atomic
def sales_register(
    *,
    company: Organisation,
    user: User,
    customer_nip: str,
    customer_name: str,
    program: Program,
    licences: int,
) -> SalesRegistration:
    """Register a sale; the first valid one holds the customer NIP and program for a while.

    The claim row is unique per (NIP, program): two partners racing for the same
    pair both try to insert it and the database lets one through. A claim whose
    time has run out is taken over under a row lock. The refusal never names
    the holder.
    """
    now = timezone.now()
    unavailable = RegistrationUnavailable(
        _(
            "Sprzedaż programu %(program)s klientowi o tym NIP jest już zarejestrowana przez "
            "innego Partnera. Rejestracja jest niedostępna."
        )
        % {"program": program.name}
    )
    claim = (
        SalesClaim.objects.select_for_update()
        .select_related("registration")
        .filter(customer_nip=customer_nip, program=program)
        .first()
    )
    if claim is not None and claim.holds_until > now:
        if claim.registration.company_id != company.pk:
            raise unavailable
    registration = SalesRegistration.objects.create(
        company=company,
        registered_by=user,
        customer_nip=customer_nip,
        customer_name=customer_name,
        program=program,
        licences=licences,
        # Wall-clock days in Warsaw: a hold taken at 23:30 ends at 23:30, across DST too.
        holds_until=timezone.localtime(now) + _hold(),
    )
    if claim is not None and claim.holds_until > now:
        # The holder registers again (more licences): the first registration keeps the hold.
        registration.holds_until = claim.holds_until
        registration.save(update_fields=["holds_until"])
        return registration
    if claim is not None:
        claim.registration = registration
        claim.holds_until = registration.holds_until
        claim.save(update_fields=["registration", "holds_until"])
        return registration
    try:
        with transaction.atomic():
            SalesClaim.objects.create(
                customer_nip=customer_nip,
                program=program,
                registration=registration,
                holds_until=registration.holds_until,
            )
    except IntegrityError:
        raise unavailable from None
    return registration


# Own solutions ---------------------------------------------------------------------------


@transaction.atomic
def solution_submit(
    *, company: Organisation, author: User, title: str, description: str, files: list[StoredFile]
) -> Solution:
    solution = Solution.objects.create(
        company=company, author=author, title=title, description=description
    )
    SolutionFile.objects.bulk_create(SolutionFile(solution=solution, file=f) for f in files)
    return solution


@transaction.atomic
def solution_review(*, solution: Solution, approve: bool, note: str, by: User) -> Solution:
    """Staff publish or reject an own solution; the author is told either way."""
    solution = Solution.objects.select_for_update().select_related("author").get(pk=solution.pk)
    solution.state = Solution.State.APPROVED if approve else Solution.State.REJECTED
    solution.review_note = note
    solution.reviewed_at = timezone.now()
    solution.save(update_fields=["state", "review_note", "reviewed_at"])
    if approve:
        paragraphs = [_("Rozwiązanie „%(t)s” zostało opublikowane.") % {"t": solution.title}]
    else:
        paragraphs = [
            _("Rozwiązanie „%(t)s” nie zostało opublikowane.") % {"t": solution.title},
            _("Powód: %(note)s") % {"note": note or "—"},
        ]
    notify(
        to=solution.author.email,
        subject=_("Rozwiązanie autorskie: %(state)s") % {"state": solution.get_state_display()},
        paragraphs=paragraphs,
        path=reverse("partners:solution", args=[solution.pk]),
        topic=f"partners-solution:{solution.pk}",
    )
    return solution


# Support questions -------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *, company: Organisation, user: User, subject: str, body: str, program: Program | None
) -> SupportCase:
    case = SupportCase.objects.create(
        company=company, created_by=user, subject=subject, program=program
    )
    CaseMessage.objects.create(case=case, author=user, body=body)
    notify(
        to=settings.PARTNER_SUPPORT_EMAIL,
        subject=_("Nowe zapytanie %(number)s: %(subject)s")
        % {"number": case.number, "subject": subject},
        paragraphs=[_("Firma %(company)s zadała pytanie.") % {"company": company.name}],
        path=reverse("admin:partners_supportcase_change", args=[case.pk]),
        topic=f"partners-case:{case.pk}",
    )
    return case


@transaction.atomic
def case_message_add(
    *, case: SupportCase, author: User, body: str, from_staff: bool
) -> CaseMessage:
    """A message in the case's thread; a staff reply is e-mailed to whoever asked."""
    case = SupportCase.objects.select_for_update().select_related("created_by").get(pk=case.pk)
    message = CaseMessage.objects.create(case=case, author=author, body=body, from_staff=from_staff)
    case.state = SupportCase.State.ANSWERED if from_staff else SupportCase.State.OPEN
    case.save(update_fields=["state"])
    if from_staff:
        notify(
            to=case.created_by.email,
            subject=_("Odpowiedź na zapytanie %(number)s") % {"number": case.number},
            paragraphs=[
                _("Pomoc techniczna odpowiedziała na Twoje zapytanie „%(s)s”:")
                % {"s": case.subject},
                body,
            ],
            path=reverse("partners:case", args=[case.pk]),
            topic=f"partners-case:{case.pk}",
        )
    return message


# Levels: applications, decisions, changes ------------------------------------------------


@dataclass(frozen=True)
class RecommendationUpload:
    registration_number: str
    customer_name: str
    file: StoredFile


@transaction.atomic
def application_submit(
    *,
    company: Organisation,
    user: User,
    level: Level,
    ground: str,
    note: str = "",
    recommendations: Sequence[RecommendationUpload] = (),
    distributor: Organisation | None = None,
) -> LevelApplication:
    """File an application; the ground is checked now and again when staff decide."""
    profile = PartnerProfile.objects.select_for_update().get(organisation=company)
    Ground = LevelApplication.Ground
    if level.pk == profile.level_id:
        raise PartnerError(_("Firma ma już ten poziom."))
    if level.requires_grounds and ground == Ground.NONE:
        raise PartnerError(_("Ten poziom wymaga spełnienia jednego z warunków dostępu."))
    if ground == Ground.DISTRIBUTOR_LIST and not profile.on_distributor_list:
        raise PartnerError(_("Firmy nie ma na liście dystrybutorów."))
    if ground == Ground.SERVICED_USERS and len(recommendations) < RECOMMENDATIONS_NEEDED:
        raise PartnerError(
            _("Dołącz rekomendacje co najmniej %(n)d zarejestrowanych użytkowników.")
            % {"n": RECOMMENDATIONS_NEEDED}
        )
    numbers = [r.registration_number.strip().upper() for r in recommendations]
    if len(set(numbers)) != len(numbers):
        raise PartnerError(
            _("Każda rekomendacja musi dotyczyć innego zarejestrowanego użytkownika.")
        )
    if ground == Ground.DISTRIBUTOR_RECOMMENDATION:
        if distributor is None or distributor.pk == company.pk:
            raise PartnerError(_("Wskaż dystrybutora, który rekomenduje firmę."))
    if LevelApplication.objects.filter(company=company, state="pending").exists():
        raise PartnerError(_("Firma ma już wniosek czekający na decyzję."))
    application = LevelApplication.objects.create(
        company=company,
        level=level,
        ground=ground,
        note=note,
        created_by=user,
        distributor=distributor if ground == Ground.DISTRIBUTOR_RECOMMENDATION else None,
    )
    caching.standing_changed(company.pk)
    Recommendation.objects.bulk_create(
        Recommendation(
            application=application,
            registration_number=r.registration_number,
            customer_name=r.customer_name,
            file=r.file,
        )
        for r in recommendations
    )
    if application.distributor is not None:
        notify(
            to=company_email(application.distributor),
            subject=_("Prośba o potwierdzenie rekomendacji firmy %(c)s") % {"c": company.name},
            paragraphs=[
                _(
                    "Firma %(c)s wskazała Państwa jako dystrybutora, który ją rekomenduje. "
                    "Potwierdź rekomendację po zalogowaniu do strefy partnera."
                )
                % {"c": company.name}
            ],
            path=reverse("partners:recommendations"),
            topic=f"partners-application:{application.pk}",
        )
    return application


@transaction.atomic
def recommendation_confirm(
    *, application: LevelApplication, distributor: Organisation, user: User
) -> LevelApplication:
    """The named distributor confirms, from its own account, that it recommends the company."""
    application = LevelApplication.objects.select_for_update().get(pk=application.pk)
    if application.distributor_id != distributor.pk or application.state != "pending":
        raise PartnerError(_("Tego wniosku nie można potwierdzić."))
    application.distributor_confirmed_at = timezone.now()
    application.distributor_confirmed_by = user
    application.save(update_fields=["distributor_confirmed_at", "distributor_confirmed_by"])
    caching.standing_changed(application.company_id)
    return application


def _ground_met(application: LevelApplication, profile: PartnerProfile) -> bool:
    Ground = LevelApplication.Ground
    if application.ground == Ground.NONE:
        return not application.level.requires_grounds
    if application.ground == Ground.DISTRIBUTOR_LIST:
        return profile.on_distributor_list
    if application.ground == Ground.SERVICED_USERS:
        return application.recommendations.count() >= RECOMMENDATIONS_NEEDED
    if application.distributor_id is None:
        return False
    distributor_listed = PartnerProfile.objects.filter(
        organisation_id=application.distributor_id, on_distributor_list=True
    ).exists()
    return application.distributor_confirmed_at is not None and distributor_listed


GROUND_OF_APPLICATION = {
    LevelApplication.Ground.NONE: PartnerProfile.Ground.NONE,
    LevelApplication.Ground.DISTRIBUTOR_LIST: PartnerProfile.Ground.DISTRIBUTOR_LIST,
    LevelApplication.Ground.SERVICED_USERS: PartnerProfile.Ground.SERVICED_USERS,
    LevelApplication.Ground.DISTRIBUTOR_RECOMMENDATION: (
        PartnerProfile.Ground.DISTRIBUTOR_RECOMMENDATION
    ),
}


@transaction.atomic
def application_decide(
    *, application: LevelApplication, approve: bool, reason: str, by: User
) -> LevelApplication:
    """Staff accept (the level changes) or refuse (a reason is required); the company is told."""
    application = (
        LevelApplication.objects.select_for_update()
        .select_related("company", "level")
        .get(pk=application.pk)
    )
    if application.state != LevelApplication.State.PENDING:
        raise PartnerError(_("O tym wniosku już zdecydowano."))
    profile = PartnerProfile.objects.select_for_update().get(organisation=application.company)
    if approve and not _ground_met(application, profile):
        raise PartnerError(_("Podstawa wniosku nie jest spełniona: nie można go przyjąć."))
    if not approve and not reason.strip():
        raise PartnerError(_("Podaj powód odrzucenia: firma go otrzyma."))
    application.state = (
        LevelApplication.State.APPROVED if approve else LevelApplication.State.REFUSED
    )
    application.reason = reason
    application.decided_by = by
    application.decided_at = timezone.now()
    application.save(update_fields=["state", "reason", "decided_by", "decided_at"])
    caching.standing_changed(application.company_id)
    level_name = str(application.level)
    if approve:
        profile.ground = GROUND_OF_APPLICATION[LevelApplication.Ground(application.ground)]
        profile.save(update_fields=["ground"])
        partner_level_change(
            profile=profile,
            level=application.level,
            by=by,
            reason=reason or _("Przyjęty wniosek o poziom."),
            notify_company=False,
        )
        paragraphs = [_("Wniosek o %(level)s został przyjęty.") % {"level": level_name}]
        if reason:
            paragraphs.append(reason)
    else:
        paragraphs = [
            _("Wniosek o %(level)s został odrzucony.") % {"level": level_name},
            _("Powód: %(reason)s") % {"reason": reason},
        ]
    notify(
        to=company_email(application.company),
        subject=_("Decyzja w sprawie wniosku o %(level)s") % {"level": level_name},
        paragraphs=paragraphs,
        path=reverse("partners:home"),
        topic=f"partners-application:{application.pk}",
    )
    return application


@transaction.atomic
def partner_level_change(
    *,
    profile: PartnerProfile,
    level: Level,
    by: User | None,
    reason: str,
    notify_company: bool = True,
) -> LevelChange | None:
    """Set a company's level, record who, when, why, from and to, and tell the company."""
    profile = (
        PartnerProfile.objects.select_for_update().select_related("organisation").get(pk=profile.pk)
    )
    if profile.level_id == level.pk:
        return None
    if not reason.strip():
        raise PartnerError(_("Podaj powód zmiany poziomu."))
    change = LevelChange.objects.create(
        profile=profile,
        from_level_id=profile.level_id,
        to_level=level,
        changed_by=by,
        reason=reason,
    )
    profile.level = level
    profile.save(update_fields=["level"])
    caching.standing_changed(profile.organisation_id)
    if notify_company:  # an accepted application tells the company in its own decision e-mail
        notify(
            to=company_email(profile.organisation),
            subject=_("Zmiana poziomu partnerskiego: %(level)s") % {"level": level},
            paragraphs=[
                _("Poziom partnerski firmy %(c)s zmienił się z %(old)s na %(new)s.")
                % {"c": profile.organisation.name, "old": change.from_level, "new": level},
                _("Powód: %(reason)s") % {"reason": reason},
            ],
            path=reverse("partners:home"),
            topic=f"partners-level:{profile.pk}",
        )
    return change


TECHNICIAN_NOTICE_DAYS = (30, 7)


def technician_expiry_remind(*, today: date) -> int:
    """Tell technicians' companies 30 and 7 days before their status expires; once each."""
    sent = 0
    latest = today + timedelta(days=max(TECHNICIAN_NOTICE_DAYS))
    candidates = PartnerProfile.objects.filter(
        level__on_expiry__isnull=False,
        technician_until__gte=today,
        technician_until__lte=latest,
    ).values_list("pk", flat=True)
    for pk in candidates:
        sent += _technician_remind_one(pk=pk, today=today)
    return sent


@transaction.atomic
def _technician_remind_one(*, pk: int, today: date) -> int:
    profile = PartnerProfile.objects.select_for_update().select_related("organisation").get(pk=pk)
    until = profile.technician_until
    if until is None:
        return 0
    days_left = (until - today).days
    due = [d for d in TECHNICIAN_NOTICE_DAYS if days_left <= d]
    if not due:
        return 0
    key = f"{until.isoformat()}:{min(due)}"
    if key in profile.technician_notices:
        return 0
    # Skipped notices (a date set 5 days ahead) are marked sent too: one e-mail, the nearest.
    profile.technician_notices = [
        *profile.technician_notices,
        *(f"{until.isoformat()}:{d}" for d in due),
    ]
    profile.save(update_fields=["technician_notices"])
    fallback = profile.level.on_expiry
    notify(
        to=company_email(profile.organisation),
        subject=_("Uprawnienia serwisanta wygasają %(date)s")
        % {"date": until.strftime("%d.%m.%Y")},
        paragraphs=[
            _(
                "Uprawnienia serwisanta firmy %(c)s wygasają %(date)s (za %(n)d dni). Po tej "
                "dacie firma będzie miała uprawnienia poziomu %(level)s."
            )
            % {
                "c": profile.organisation.name,
                "date": until.strftime("%d.%m.%Y"),
                "n": days_left,
                "level": fallback.number if fallback else "—",
            }
        ],
        path=reverse("partners:home"),
        topic=f"partners-technician:{profile.pk}",
    )
    return 1


def technician_expiry_apply(*, today: date) -> int:
    """On the day a technician's status has run out, move the company to the fallback level.

    The change is recorded (by the system) and the company told once: the row
    lock and the re-check of the level make a second run, or two at once, do nothing.
    """
    due = PartnerProfile.objects.filter(
        level__on_expiry__isnull=False, technician_until__lt=today
    ).values_list("pk", flat=True)
    return sum(_technician_expire_one(pk=pk, today=today) for pk in due)


@transaction.atomic
def _technician_expire_one(*, pk: int, today: date) -> int:
    profile = (
        PartnerProfile.objects.select_for_update(of=("self",))
        .select_related("organisation", "level__on_expiry")
        .get(pk=pk)
    )
    until, old, fallback = profile.technician_until, profile.level, profile.level.on_expiry
    if until is None or fallback is None or until >= today:
        return 0  # changed since the list was read: staff moved the date or the level
    expired_on = until.strftime("%d.%m.%Y")
    change = partner_level_change(
        profile=profile,
        level=fallback,
        by=None,
        reason=_("Uprawnienia serwisanta wygasły %(date)s.") % {"date": expired_on},
        notify_company=False,
    )
    if change is None:
        return 0
    notify(
        to=company_email(profile.organisation),
        subject=_("Uprawnienia serwisanta wygasły: poziom %(level)s") % {"level": fallback.number},
        paragraphs=[
            _(
                "Uprawnienia serwisanta firmy %(c)s były ważne do %(date)s. Od dziś firma ma "
                "poziom %(new)s zamiast %(old)s."
            )
            % {"c": profile.organisation.name, "date": expired_on, "new": fallback, "old": old},
            _(
                "Aby odzyskać poziom %(old)s, odnów uprawnienia serwisanta i złóż wniosek "
                "w strefie partnera."
            )
            % {"old": old.number},
        ],
        path=reverse("partners:home"),
        topic=f"partners-technician:{profile.pk}",
    )
    return 1
