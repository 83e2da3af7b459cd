"""Who may do what with a survey: the model permissions, within the user's departments."""

from wagtail.permission_policies import ModelPermissionPolicy

from cityux.access import departments_for_user, scope_to_user, sees_every_department


class SurveyPermissionPolicy(ModelPermissionPolicy):
    """Django's model permissions, limited to the surveys of the departments a user may see."""

    def user_has_permission_for_instance(self, user, action, instance):
        if not super().user_has_permission_for_instance(user, action, instance):
            return False
        return (
            instance.department_id is None
            or sees_every_department(user)
            or departments_for_user(user).filter(pk=instance.department_id).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        return scope_to_user(super().instances_user_has_any_permission_for(user, actions), user)
