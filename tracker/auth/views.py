"""Sign-in, sign-out and own-password pages."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from tracker.auth import services
from tracker.auth.forms import PasswordChangeForm, SignInForm
from tracker.auth.passwords import MIN_PASSWORD_LENGTH
from tracker.errors import InvalidInput
from tracker.extensions import db
from tracker.security.limits import password_check_limits, sign_in_limits
from tracker.security.redirects import safe_next
from tracker.web.forms import flash_errors

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limits
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("The email or the password is not right."))
        else:
            target = safe_next(session.get("next"))
            services.start_session(user)
            db.session.commit()
            _fresh_cookie_session(user)
            return redirect(target)
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


def _fresh_cookie_session(user) -> None:
    """Put the user's new sign-in session into a cleared cookie; nothing from before carries over."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(user)


@bp.route("/account/password", methods=["GET", "POST"])
@password_check_limits
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_own_password(user, form.old_password.data, form.new_password.data,
                                         end_tokens=form.end_tokens.data)
            db.session.commit()
        except InvalidInput as exc:
            db.session.rollback()
            flash_errors(form, exc)
            g.wrong_password = "old_password" in (exc.errors or {})
        else:
            _fresh_cookie_session(user)
            flash(_("Your password was changed. You are signed out everywhere else."), "success")
            return redirect(url_for("auth.change_password"))
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form, min_length=MIN_PASSWORD_LENGTH), status


@bp.route("/logout", methods=["POST"])
def logout():
    services.end_session(current_user.get_id() if current_user.is_authenticated else None)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
