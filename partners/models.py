"""Partner companies, their levels and the rights each level holds.

The matrix of rights is data (Level, Right, LevelGrant), loaded by a data
migration from the seed's wording. Code asks `partners.rights.has_right`,
never "is the level at least N".
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import AppendOnlyModel, Organisation


class Level(models.Model):
    """One partner level (0–5) as the seed names it, and what it needs."""

    number = models.PositiveSmallIntegerField(_("poziom"), primary_key=True)
    name = models.CharField(_("nazwa"), max_length=120)
    description = models.TextField(_("opis"), blank=True)
    # How the seed builds this level's list ("Uprawnienia z poziomu 1 plus"), for explanations.
    builds_on = models.ForeignKey(
        "self",
        verbose_name=_("buduje na poziomie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The next level a company may apply for from this one.
    next_level = models.ForeignKey(
        "self",
        verbose_name=_("następny poziom"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A technician's level whose status has expired counts as this one.
    on_expiry = models.ForeignKey(
        "self",
        verbose_name=_("po wygaśnięciu uprawnień"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requires_grounds = models.BooleanField(
        _("wymaga spełnienia warunków dostępu"),
        default=True,
        help_text=_(
            "Lista dystrybutorów, 3 rekomendacje użytkowników albo rekomendacja dystrybutora."
        ),
    )
    requires_second_factor = models.BooleanField(
        _("wymaga logowania dwuskładnikowego"), default=False
    )

    class Meta:
        verbose_name = _("poziom partnerski")
        verbose_name_plural = _("poziomy partnerskie")
        ordering = ["number"]

    def __str__(self) -> str:
        return _("Poziom %(n)d – %(name)s") % {"n": self.number, "name": self.name}


class Right(models.Model):
    """One thing a partner may do or see, e.g. the distributors' forum."""

    class Condition(models.TextChoices):
        NONE = "", _("brak")
        SUBSCRIPTION_SALES = "subscription_sales", _("udział w systemie sprzedaży Abonamentów")

    code = models.SlugField(_("kod"), max_length=60, unique=True)
    name = models.CharField(_("nazwa"), max_length=200)
    description = models.TextField(_("opis"), blank=True)
    # The page where the right leads (a URL name of partners), shown in navigation.
    url_name = models.CharField(_("strona"), max_length=100, blank=True)
    condition = models.CharField(
        _("dodatkowy warunek"), max_length=40, choices=Condition.choices, blank=True, default=""
    )
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)

    class Meta:
        verbose_name = _("uprawnienie")
        verbose_name_plural = _("uprawnienia")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class LevelGrant(models.Model):
    """Level `level` holds right `right`; `note` quotes how the seed gives it."""

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="grants")
    right = models.ForeignKey(Right, on_delete=models.CASCADE, related_name="grants")
    note = models.CharField(_("podstawa"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("uprawnienie poziomu")
        verbose_name_plural = _("uprawnienia poziomów")
        constraints = [models.UniqueConstraint(fields=["level", "right"], name="grant_once")]

    def __str__(self) -> str:
        return f"{self.level_id}: {self.right.code}"


class PartnerProfile(models.Model):
    """What makes an organisation of kind PARTNER a partner company."""

    class Ground(models.TextChoices):
        NONE = "", _("brak (poziom 0 nie wymaga)")
        DISTRIBUTOR_LIST = "distributor_list", _("firma na liście dystrybutorów")
        SERVICED_USERS = "serviced_users", _("serwis co najmniej 3 zarejestrowanych użytkowników")
        DISTRIBUTOR_RECOMMENDATION = "distributor_recommendation", _("rekomendacja dystrybutora")
        STAFF = "staff", _("decyzja obsługi")

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("firma"),
        on_delete=models.CASCADE,
        related_name="partner_profile",
        limit_choices_to={"kind": Organisation.Kind.PARTNER},
    )
    level = models.ForeignKey(Level, verbose_name=_("poziom"), on_delete=models.PROTECT)
    ground = models.CharField(
        _("podstawa poziomu"), max_length=40, choices=Ground.choices, blank=True, default=""
    )
    subscription_sales = models.BooleanField(
        _("uczestniczy w systemie sprzedaży Abonamentów"), default=False
    )
    on_distributor_list = models.BooleanField(_("na liście dystrybutorów"), default=False)
    technician_until = models.DateField(
        _("uprawnienia serwisanta ważne do"),
        null=True,
        blank=True,
        help_text=_("Po tej dacie firma serwisanta ma uprawnienia poziomu 3."),
    )
    technician_notices = models.JSONField(
        _("wysłane przypomnienia o wygaśnięciu"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("profil partnera")
        verbose_name_plural = _("profile partnerów")

    def __str__(self) -> str:
        return str(self.organisation)

    def effective_level(self, today: date) -> Level:
        """The level whose rights apply today: an expired technician counts as the fallback."""
        level = self.level
        if (
            level.on_expiry_id is not None
            and self.technician_until is not None
            and today > self.technician_until
        ):
            return level.on_expiry  # type: ignore[return-value]  # set on every level that expires
        return level

    def technician_expired(self, today: date) -> bool:
        return self.effective_level(today).pk != self.level_id


class LevelChange(AppendOnlyModel):
    """A change of a company's level: who, when, why, from and to. Never edited."""

    profile = models.ForeignKey(PartnerProfile, on_delete=models.CASCADE, related_name="changes")
    from_level = models.ForeignKey(
        Level, verbose_name=_("z poziomu"), on_delete=models.PROTECT, related_name="+", null=True
    )
    to_level = models.ForeignKey(
        Level, verbose_name=_("na poziom"), on_delete=models.PROTECT, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("zmienił"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    reason = models.TextField(_("powód"))
    changed_at = models.DateTimeField(_("kiedy"), auto_now_add=True)

    class Meta:
        verbose_name = _("zmiana poziomu")
        verbose_name_plural = _("zmiany poziomu")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.profile}: {self.from_level_id} → {self.to_level_id}"

    @property
    def who(self) -> str:
        """The staff member, or the system for changes nobody made by hand (technician expiry)."""
        if self.changed_by_id is None:
            return str(_("system"))
        return str(self.changed_by)


# Files served through the app --------------------------------------------------


class StoredFile(models.Model):
    """A file kept in the database, never under a public URL; views check the right first."""

    name = models.CharField(_("nazwa pliku"), max_length=200)
    content_type = models.CharField(_("typ"), max_length=100)
    size = models.PositiveIntegerField(_("rozmiar"))
    data = models.BinaryField(_("zawartość"))
    uploaded_at = models.DateTimeField(_("przesłano"), auto_now_add=True)

    class Meta:
        verbose_name = _("plik")
        verbose_name_plural = _("pliki")

    def __str__(self) -> str:
        return self.name


class Program(models.Model):
    """One of our programs (or a subscription to it), as partners register, report and buy it."""

    class Kind(models.TextChoices):
        PROGRAM = "program", _("program")
        SUBSCRIPTION = "subscription", _("abonament")

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("nazwa"), max_length=120)
    kind = models.CharField(_("rodzaj"), max_length=20, choices=Kind.choices, default=Kind.PROGRAM)
    price_net = models.DecimalField(_("cena netto"), max_digits=10, decimal_places=2, default=0)
    period_months = models.PositiveSmallIntegerField(
        _("okres abonamentu (miesiące)"), null=True, blank=True
    )
    for_sale = models.BooleanField(_("w cenniku"), default=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programy")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    """A document of a library (technical materials, PI or API section…), gated by a right."""

    right = models.ForeignKey(Right, verbose_name=_("uprawnienie"), on_delete=models.PROTECT)
    title = models.CharField(_("tytuł"), max_length=200)
    description = models.TextField(_("opis"), blank=True)
    file = models.ForeignKey(StoredFile, verbose_name=_("plik"), on_delete=models.PROTECT)
    published_at = models.DateTimeField(_("opublikowano"), auto_now_add=True)

    class Meta:
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenty")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["right", "-published_at"], name="document_library")]

    def __str__(self) -> str:
        return self.title


class SectionPage(models.Model):
    """A page of materials of a section (PI, API documentation), Markdown."""

    right = models.ForeignKey(Right, verbose_name=_("uprawnienie"), on_delete=models.PROTECT)
    slug = models.SlugField(_("adres"), max_length=80)
    title = models.CharField(_("tytuł"), max_length=200)
    body = models.TextField(_("treść (Markdown)"))
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)

    class Meta:
        verbose_name = _("strona sekcji")
        verbose_name_plural = _("strony sekcji")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["right", "slug"], name="section_page_slug")]

    def __str__(self) -> str:
        return self.title


class Upgrade(models.Model):
    """An upgrade of a program: version, release notes and the file."""

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT)
    version = models.CharField(_("wersja"), max_length=40)
    release_notes = models.TextField(_("informacje o wersji (Markdown)"))
    file = models.ForeignKey(StoredFile, verbose_name=_("plik"), on_delete=models.PROTECT)
    released_on = models.DateField(_("data wydania"))

    class Meta:
        verbose_name = _("ulepszenie")
        verbose_name_plural = _("ulepszenia")
        ordering = ["-released_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "version"], name="upgrade_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.version}"


class SupportLine(models.Model):
    """A support phone number, shown only to companies holding its right."""

    right = models.ForeignKey(Right, verbose_name=_("uprawnienie"), on_delete=models.PROTECT)
    label = models.CharField(_("nazwa"), max_length=200)
    phone = models.CharField(_("numer"), max_length=40)
    hours = models.CharField(_("godziny"), max_length=100)

    class Meta:
        verbose_name = _("numer pomocy technicznej")
        verbose_name_plural = _("numery pomocy technicznej")
        ordering = ["right__position", "pk"]

    def __str__(self) -> str:
        return self.label


# Forums ---------------------------------------------------------------------------


class Forum(models.Model):
    right = models.OneToOneField(Right, verbose_name=_("uprawnienie"), on_delete=models.PROTECT)
    slug = models.SlugField(_("adres"), max_length=40, unique=True)
    name = models.CharField(_("nazwa"), max_length=120)

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("fora")

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("tytuł"), max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    last_post_at = models.DateTimeField(_("ostatni wpis"))
    post_count = models.PositiveIntegerField(_("wpisy"), default=0)

    class Meta:
        verbose_name = _("wątek")
        verbose_name_plural = _("wątki")
        ordering = ["-last_post_at", "-pk"]
        indexes = [models.Index(fields=["forum", "-last_post_at"], name="topic_latest")]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(_("treść (Markdown)"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(_("dodano"), auto_now_add=True)

    class Meta:
        verbose_name = _("wpis")
        verbose_name_plural = _("wpisy")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["topic", "created_at"], name="post_in_topic")]

    def __str__(self) -> str:
        return f"{self.topic}: {self.pk}"


class TopicRead(models.Model):
    """When a user last read a topic: newer posts make it unread."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="topic_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.topic_id}"


# Bugs and suggestions ---------------------------------------------------------------


class Bug(models.Model):
    class Kind(models.TextChoices):
        BUG = "bug", _("błąd")
        SUGGESTION = "suggestion", _("sugestia")

    class Status(models.TextChoices):
        NEW = "new", _("nowy")
        CONFIRMED = "confirmed", _("potwierdzony")
        PLANNED = "planned", _("zaplanowany")
        FIXED = "fixed", _("poprawiony")
        REJECTED = "rejected", _("odrzucony")

    kind = models.CharField(_("rodzaj"), max_length=20, choices=Kind.choices, default=Kind.BUG)
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT)
    version = models.CharField(_("wersja"), max_length=40)
    title = models.CharField(_("tytuł"), max_length=200)
    description = models.TextField(_("opis"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default="new")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("zgłaszający"), on_delete=models.PROTECT
    )
    company = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    votes = models.PositiveIntegerField(_("głosy"), default=0)
    created_at = models.DateTimeField(_("zgłoszono"), auto_now_add=True)

    class Meta:
        verbose_name = _("błąd lub sugestia")
        verbose_name_plural = _("Baza Błędów i Sugestii")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class BugComment(models.Model):
    bug = models.ForeignKey(Bug, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("komentarz"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.bug_id}: {self.pk}"


class BugVote(models.Model):
    bug = models.ForeignKey(Bug, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bug", "user"], name="bug_vote_once")]

    def __str__(self) -> str:
        return f"{self.bug_id}: {self.user_id}"


# Sales registration -------------------------------------------------------------------


class SalesRegistration(models.Model):
    """A partner's registered sale of a program to a customer (by the customer's NIP)."""

    company = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    customer_nip = models.CharField(_("NIP klienta"), max_length=10)
    customer_name = models.CharField(_("nazwa klienta"), max_length=200)
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT)
    licences = models.PositiveIntegerField(_("liczba licencji"))
    registered_at = models.DateTimeField(_("zarejestrowano"), auto_now_add=True)
    holds_until = models.DateTimeField(_("zastrzeżona do"))

    class Meta:
        verbose_name = _("rejestracja sprzedaży")
        verbose_name_plural = _("rejestracje sprzedaży")
        ordering = ["-registered_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.customer_nip} / {self.program}"


class SalesClaim(models.Model):
    """Who holds a customer NIP and program now: one row per pair, the database decides races."""

    customer_nip = models.CharField(max_length=10)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    registration = models.OneToOneField(
        SalesRegistration, on_delete=models.PROTECT, related_name="claim"
    )
    holds_until = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer_nip", "program"], name="sales_claim_once")
        ]

    def __str__(self) -> str:
        return f"{self.customer_nip} / {self.program_id}"


# Own solutions -------------------------------------------------------------------------


class Solution(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("czeka na akceptację")
        APPROVED = "approved", _("opublikowane")
        REJECTED = "rejected", _("odrzucone")

    company = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("tytuł"), max_length=200)
    description = models.TextField(_("opis (Markdown)"))
    state = models.CharField(_("stan"), max_length=20, choices=State.choices, default="pending")
    review_note = models.TextField(_("uwagi obsługi"), blank=True)
    created_at = models.DateTimeField(_("dodano"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("rozpatrzono"), null=True, blank=True)

    class Meta:
        verbose_name = _("rozwiązanie autorskie")
        verbose_name_plural = _("rozwiązania autorskie")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class SolutionFile(models.Model):
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="files")
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return str(self.file)


# Support questions ---------------------------------------------------------------------


class SupportCase(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("otwarte")
        ANSWERED = "answered", _("z odpowiedzią")
        CLOSED = "closed", _("zamknięte")

    company = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("temat"), max_length=200)
    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, null=True, blank=True
    )
    state = models.CharField(_("stan"), max_length=20, choices=State.choices, default="open")
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)

    class Meta:
        verbose_name = _("zapytanie do pomocy technicznej")
        verbose_name_plural = _("zapytania do pomocy technicznej")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"PT-{self.pk:06d}"


class CaseMessage(models.Model):
    case = models.ForeignKey(SupportCase, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_staff = models.BooleanField(default=False)
    body = models.TextField(_("treść"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("wiadomość")
        verbose_name_plural = _("wiadomości")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case}: {self.pk}"


# Applications for a level ----------------------------------------------------------------


class LevelApplication(models.Model):
    """A company's online application for a level, on one of the seed's grounds."""

    class Ground(models.TextChoices):
        NONE = "none", _("bez warunków (poziom 0)")
        DISTRIBUTOR_LIST = "distributor_list", _("firma jest na liście dystrybutorów")
        SERVICED_USERS = (
            "serviced_users",
            _("firma serwisuje co najmniej 3 zarejestrowanych użytkowników (rekomendacje)"),
        )
        DISTRIBUTOR_RECOMMENDATION = (
            "distributor_recommendation",
            _("firmę rekomenduje dystrybutor, u którego zaopatruje się w oprogramowanie"),
        )

    class State(models.TextChoices):
        PENDING = "pending", _("czeka na decyzję")
        APPROVED = "approved", _("przyjęty")
        REFUSED = "refused", _("odrzucony")

    company = models.ForeignKey(
        Organisation, verbose_name=_("firma"), on_delete=models.CASCADE, related_name="+"
    )
    level = models.ForeignKey(Level, verbose_name=_("wnioskowany poziom"), on_delete=models.PROTECT)
    ground = models.CharField(_("podstawa"), max_length=40, choices=Ground.choices)
    note = models.TextField(_("uwagi firmy"), blank=True)
    state = models.CharField(_("stan"), max_length=20, choices=State.choices, default="pending")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("złożono"), auto_now_add=True)
    distributor = models.ForeignKey(
        Organisation,
        verbose_name=_("rekomendujący dystrybutor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    distributor_confirmed_at = models.DateTimeField(
        _("dystrybutor potwierdził"), null=True, blank=True
    )
    distributor_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("zdecydował"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decyzja"), null=True, blank=True)
    reason = models.TextField(_("uzasadnienie decyzji"), blank=True)

    class Meta:
        verbose_name = _("wniosek o poziom")
        verbose_name_plural = _("wnioski o poziom")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=models.Q(state="pending"),
                name="one_pending_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} → {self.level_id}"


class Recommendation(models.Model):
    """A serviced user's written recommendation, tied to that user's registration number."""

    application = models.ForeignKey(
        LevelApplication, on_delete=models.CASCADE, related_name="recommendations"
    )
    registration_number = models.CharField(_("numer rejestracyjny użytkownika"), max_length=40)
    customer_name = models.CharField(_("użytkownik"), max_length=200)
    file = models.ForeignKey(StoredFile, verbose_name=_("rekomendacja"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("rekomendacja użytkownika")
        verbose_name_plural = _("rekomendacje użytkowników")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "registration_number"], name="recommendation_once"
            )
        ]

    def __str__(self) -> str:
        return self.registration_number


# Buying programs and subscriptions ---------------------------------------------------------


class CartItem(models.Model):
    """A line of the company's cart (shared by its users)."""

    company = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("ilość"), default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "program"], name="cart_once")]

    def __str__(self) -> str:
        return f"{self.program} × {self.quantity}"


class Order(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("czeka na płatność")
        PAID = "paid", _("opłacone")
        CANCELLED = "cancelled", _("anulowane")

    company = models.ForeignKey(
        Organisation, verbose_name=_("firma"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("stan"), max_length=20, choices=State.choices, default="pending")
    total_gross = models.DecimalField(_("do zapłaty (brutto)"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(_("złożono"), auto_now_add=True)
    paid_at = models.DateTimeField(_("opłacono"), null=True, blank=True)
    # The payment that paid it: unique, so one payment can never fulfil two orders.
    payment_id = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    invoice = models.OneToOneField(
        "invoicing.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("zamówienie")
        verbose_name_plural = _("zamówienia")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"ZP/{self.pk:06d}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("ilość"))
    unit_gross = models.DecimalField(_("cena brutto"), max_digits=10, decimal_places=2)
    period_start = models.DateField(_("abonament od"), null=True, blank=True)
    period_end = models.DateField(_("abonament do"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.program} × {self.quantity}"

    @property
    def total_gross(self) -> object:
        return self.unit_gross * self.quantity


class LicenceKey(models.Model):
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(_("klucz licencyjny"), max_length=40, unique=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.key
