// Package password owns how Gatehouse stores and checks passwords: argon2id hashing in PHC
// form, verification of argon2id and imported bcrypt hashes (including Spring Security's
// "{bcrypt}" prefix) with a re-hash signal, a semaphore that bounds how many hashes run at
// once, and the password policy shown to users and enforced on every new password.
//
// It must not know about users, sessions, throttling, storage or HTTP: callers decide when to
// verify, what to do with a re-hash signal and what to answer. It never logs, and no password,
// salt or hash ever appears in an error it returns.
package password
