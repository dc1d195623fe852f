"""The one Totango mapping of the package, as the server client calls it.

Every ``track`` command names its account and user, so it can be encoded as a
pixel without any browser state.
"""

try:
    from ..totango import TotangoMapping
except ImportError:  # the mapping before its commands named account and user
    from ..totango import Totango as _Mapping

    class TotangoMapping(_Mapping):
        def page(self, category, name, current_module, account_id, user_id, warnings):
            commands = self.page_activities(category, name, current_module, warnings)
            return [command + (account_id, user_id) for command in commands]

        def track(self, event, properties, current_module, account_id, user_id, warnings):
            commands = _Mapping.track(self, event, properties, current_module, warnings)
            return [command + (account_id, user_id) for command in commands]
