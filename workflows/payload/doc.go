// Package payload decodes and checks the input of workflow events: strict
// JSON that reports every problem of a request at once, field by field, in
// Simplified Chinese and English, and refuses text that is not valid UTF-8
// rather than storing replacement characters. Every workflow's Apply
// functions use it, so that all of them speak to a clerk the same way.
package payload
