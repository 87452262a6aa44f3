"""Roles of the portal, expressed as Django groups.

A role is a group; what a role may do is the group's permissions. Code asks
`user_has_role(user, Role.AGENT)` at the entrance of an area and checks
permissions for finer rights.
"""

from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    SMS_USER = "sms_user"
    SUBSCRIBER = "subscriber"
    PARTNER = "partner"
    STAFF = "staff"


ROLE_LABELS = {
    Role.AGENT: "Agenci ubezpieczeniowi",
    Role.SMS_USER: "Użytkownicy modułu SMS",
    Role.SUBSCRIBER: "Abonenci",
    Role.PARTNER: "Partnerzy",
    Role.STAFF: "Obsługa portalu",
}
