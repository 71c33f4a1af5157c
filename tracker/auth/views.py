"""Sign-in and sign-out pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from tracker.auth import services
from tracker.auth.forms import SignInForm
from tracker.extensions import db
from tracker.security.limits import sign_in_limits
from tracker.security.redirects import safe_next

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
            locale = session.get("locale")
            session.clear()  # a fresh session at sign-in: nothing from before carries over
            if locale:
                session["locale"] = locale
            services.start_session(user)
            db.session.commit()
            login_user(user)
            return redirect(target)
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    services.end_session(current_user.get_id() if current_user.is_authenticated else None)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
