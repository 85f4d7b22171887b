// Gatehouse minimal sign-in page: posts JSON to the sign-in API, shows the captcha when the
// API asks for one, then goes to the "continue" path (same-origin paths only).
"use strict";
(function () {
  var CAPTCHA_REQUIRED = 40103, CAPTCHA_INVALID = 40104;
  var form = document.getElementById("login");
  if (!form) { return; }
  var api = form.dataset.api || "";
  var errorBox = document.getElementById("error");
  var captchaBox = document.getElementById("captcha");
  var captchaImage = document.getElementById("captcha_image");
  var captchaAnswer = document.getElementById("captcha_answer");
  var submit = document.getElementById("submit");
  var captchaID = "";

  // safeContinue repeats the server's check: one "/" followed by neither "/" nor "\".
  function safeContinue(target) {
    if (typeof target !== "string" || target.charAt(0) !== "/") { return api + "/"; }
    var second = target.charAt(1);
    if (second === "/" || second === "\\") { return api + "/"; }
    if (/[\u0000-\u001f\u007f\\]/.test(target)) { return api + "/"; }
    return target;
  }

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = !text;
  }

  function loadCaptcha() {
    return fetch(api + "/api/captcha", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (env) {
        if (env.code !== 0) { showError(env.msg); return; }
        captchaID = env.data.captcha_id;
        captchaImage.src = env.data.image;
        captchaBox.hidden = false;
        captchaAnswer.value = "";
        captchaAnswer.required = true;
      })
      .catch(function () { showError(form.dataset.network); });
  }

  document.getElementById("captcha_refresh").addEventListener("click", function () {
    loadCaptcha().then(function () { captchaAnswer.focus(); });
  });

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    showError("");
    var body = {
      username: form.username.value,
      password: form.password.value,
      remember_me: form.remember_me.checked
    };
    if (captchaID) {
      body.captcha_id = captchaID;
      body.captcha_answer = captchaAnswer.value;
    }
    var label = submit.textContent;
    submit.disabled = true;
    submit.textContent = form.dataset.busy;
    fetch(api + "/api/auth/login", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    })
      .then(function (r) { return r.json(); })
      .then(function (env) {
        if (env.code === 0) {
          window.location.assign(safeContinue(form.dataset.continue));
          return;
        }
        showError(env.msg);
        form.password.value = "";
        if (env.code === CAPTCHA_REQUIRED || env.code === CAPTCHA_INVALID || captchaID) {
          captchaID = "";
          return loadCaptcha();
        }
      })
      .catch(function () { showError(form.dataset.network); })
      .then(function () {
        submit.disabled = false;
        submit.textContent = label;
      });
  });
})();
