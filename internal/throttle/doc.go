// Package throttle owns the brute-force defence of sign-in: it counts failed sign-ins per user,
// per client IP and per (user, IP) pair in sliding windows of the session store, and says what
// the next attempt must satisfy — a captcha, a delay, or nothing because it is locked out.
//
// Escalation follows the pair: after a few failures it needs a captcha, after more it waits a
// delay that doubles with each failure up to a cap, and at last the pair is locked for a while.
// A user's failures from everywhere only ever ask for a captcha, never lock: an attacker
// elsewhere cannot lock a real user out. An IP that fails against many users (password
// spraying) first needs a captcha, then is locked.
//
// The sign-in flow calls Check before any password hashing, refuses a locked attempt, asks for
// the captcha when one is required, waits the delay, then reports the outcome with Fail or
// Succeed. Attempts refused before the password was checked (locked, missing or wrong captcha)
// are not failures.
//
// Counts see finished attempts only: attempts of one pair that run at the same time are all
// checked against the same count. The caller bounds concurrent password checks, and the
// captcha, once required, makes each parallel attempt cost one solved challenge.
//
// It must not speak HTTP, run SQL or log; it reads and writes the session store only.
package throttle
