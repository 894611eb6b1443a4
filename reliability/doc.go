// Package reliability holds no code: its tests hold every client of hrbridge
// to the same promises at once. Under hostile input, a bad network and a
// crash, every operation ends in success or a typed error, nothing is lost,
// nothing is written twice, and no secret reaches a log line or an error.
// A new client joins these tests before it lands.
package reliability
