// Package tagger suggests dimensions, themes and a bank type for a draft
// case, from a naive-Bayes model of the tagged cases and the codebook's own
// words. The bank type named by the text's subject (a bank-type word of the
// taxonomy, or a bank of the registry) decides the bank type; a technology
// or product named in the text (corpus/seed/theme_terms.json) implies its
// theme. Every suggestion carries a one-line Reason.
//
// Basics: New(store) returns a Suggester that trains one model per store
// generation (log sequence) in the background; Suggest answers from it.
// Model and Evaluate are the model itself and its leave-one-out measurement.
//
// Caveats: after a write the previous model keeps answering until the next
// one is trained (trainings are spaced by their own duration). Close the
// Suggester before the store it reads.
package tagger
