// Package demo assembles `gatehouse demo`: the center with its demo data plus two demo
// sub-systems built with the public SDK (sdk/gatehouse) — a shop and a CMS on different hosts,
// so that they share no cookies — registered at the center with their callback and
// back-channel logout addresses, roles USER, EDITOR and ADMIN, and the demo users.
//
// It is a showcase and a test fixture, not a template for production: secrets live in memory
// only and the sub-systems keep their sessions in memory.
package demo
