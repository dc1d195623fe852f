"""The Totango mapping: analytics calls in, Totango collector commands out.

Pure, with no I/O and no state, shared by the page and by servers. Each
command is a tuple ``(collector_method, *args)`` that a transport applies
as it is, without knowing its kind:

* ``("go", options)`` — ``totango.go(options)``
* ``("track", activity, module, account_id, user_id)`` — ``totango.track(...)``;
  every activity names its account and user
* ``("clear",)`` — ``totango.clear()``: forget the user and account
"""


USER_ID_LIMIT = 100
ACCOUNT_ID_LIMIT = 480
ACTIVITY_LIMIT = 190
MODULE_LIMIT = 100
USER_TEXT_LIMIT = 255
ACCOUNT_TEXT_LIMIT = 512


def check_length(what, value, limit, warnings):
    """Warn (never fail) when ``value`` is longer than Totango accepts."""
    if isinstance(value, str) and len(value) > limit:
        warnings.append("%s is %d characters; Totango accepts at most %d" % (what, len(value), limit))


def _rename_created(traits):
    """Totango calls an account's or user's creation date "Create Date"."""
    traits = dict(traits)
    for key in ("created", "createdAt"):
        if key in traits:
            value = traits.pop(key)
            traits.setdefault("Create Date", value)
    return traits


def _check_texts(what, traits, limit, warnings):
    for key, value in traits.items():
        check_length("%s trait %s" % (what, key), value, limit, warnings)


class TotangoMapping:
    """Builds the commands for one Totango service from validated settings."""

    def __init__(self, settings):
        self.settings = settings

    def base(self):
        """``D``: what every ``go()`` carries, region included (upstream forgot it)."""
        return {
            "service_id": self.settings["serviceId"],
            "region": self.settings["region"],
            "disable_heartbeat": self.settings["disableHeartbeat"],
            "allow_empty_accounts": False,
        }

    def _go(self, fields):
        options = self.base()
        options.update(fields)
        return ("go", options)

    def _user(self, user_id, traits, warnings):
        check_length("user id", user_id, USER_ID_LIMIT, warnings)
        user = _rename_created(traits)
        _check_texts("user", user, USER_TEXT_LIMIT, warnings)
        user.pop("id", None)
        result = {"id": user_id}
        result.update(user)
        return result

    def _account(self, group_id, traits, cached_traits, warnings):
        check_length("account id", group_id, ACCOUNT_ID_LIMIT, warnings)
        account = _rename_created(traits)
        _check_texts("account", account, ACCOUNT_TEXT_LIMIT, warnings)
        account.pop("id", None)
        plan = self.settings["defaultPlan"]
        if "plan" not in account and "plan" not in cached_traits and plan is not None:
            account["plan"] = plan
        result = {"id": group_id}
        result.update(account)
        return result

    def collector_options(self, user_id, user_traits, group_id, group_traits):
        """``window.totango_options`` at load, carrying the cached user and account."""
        options = self.base()
        if user_id is not None:
            options["username"] = user_id
            options["user"] = self._user(user_id, user_traits, [])
        if group_id is not None:
            options["account"] = self._account(group_id, group_traits, {}, [])
        return options

    def identify(self, user_id, traits, warnings):
        return [self._go({"username": user_id, "user": self._user(user_id, traits, warnings)})]

    def group(self, group_id, traits, cached_traits, call_options, warnings):
        fields = {"account": self._account(group_id, traits, cached_traits, warnings)}
        if "parent" in call_options:
            fields["account"]["parent"] = call_options["parent"]
        if "product" in call_options:
            fields["product"] = call_options["product"]
        if "enableHierarchy" in call_options:
            fields["enableHierarchy"] = call_options["enableHierarchy"]
        return [self._go(fields)]

    def _activity(self, activity, module, account_id, user_id, warnings):
        check_length("activity", activity, ACTIVITY_LIMIT, warnings)
        check_length("module", module, MODULE_LIMIT, warnings)
        return ("track", activity, module, account_id, user_id)

    def page(self, category, name, current_module, account_id, user_id, warnings):
        """The ``Viewed … Page`` activities of a page call, per the settings."""
        full_name = "%s %s" % (category, name) if category and name else name
        commands = []
        if category and self.settings["trackCategorizedPages"]:
            commands.append(self._activity("Viewed %s Page" % category, category, account_id, user_id, warnings))
        if full_name and self.settings["trackNamedPages"]:
            commands.append(self._activity("Viewed %s Page" % full_name, category or current_module,
                                           account_id, user_id, warnings))
        return commands

    def page_module(self, category):
        """``go`` that tells Totango which module the user is now in."""
        return self._go({"module": category})

    def track(self, event, properties, current_module, account_id, user_id, warnings):
        module = properties.get("category") or current_module
        if module is not None and not isinstance(module, str):
            module = str(module)
        return [self._activity(event, module, account_id, user_id, warnings)]

    def clear(self):
        """Forget the user and account (and stop crediting them with a heartbeat)."""
        return ("clear",)
