"""Use cases of the partner area: each writes its rows and queues what it sends."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from notifications.services import email_enqueue

from .markdown import render_markdown
from .models import (
    Bug,
    BugComment,
    BugVote,
    CaseMessage,
    Forum,
    Post,
    Program,
    SalesClaim,
    SalesRegistration,
    Solution,
    SolutionFile,
    StoredFile,
    SupportCase,
    Topic,
    TopicRead,
)


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


def topic_mark_read(*, topic: Topic, user: User, at: object = None) -> None:
    TopicRead.objects.update_or_create(
        user=user, topic=topic, defaults={"read_at": at or timezone.now()}
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
