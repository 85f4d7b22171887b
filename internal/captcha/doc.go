// Package captcha owns the image captcha of the sign-in page: it makes a challenge (an id and a
// PNG image of an answer it chose), keeps the answer in the session store for a short time, and
// checks an answer exactly once.
//
// The answer is drawn from an injected entropy source over an alphabet without look-alike
// characters; base64Captcha only draws it (its own answer generation and store are never used).
// An answer is consumed by the first check, right or wrong, through an atomic get-and-delete,
// so that of many concurrent checks of one challenge at most one succeeds. Answers compare
// case-insensitively in constant time. Policy says when the sign-in flow asks for a captcha;
// the decision that one is needed after failures belongs to package throttle.
//
// It must not speak HTTP, run SQL or log: handlers turn a Challenge into a response.
package captcha
