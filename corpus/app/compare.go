package app

import (
	"context"

	"casebank/corpus"
	"casebank/index"
)

// How many banks a comparison sets side by side.
const (
	MinCompared = 2
	MaxCompared = 4
)

// FindBank finds a bank by its id, name, alias or English name.
func (s *Service) FindBank(ctx context.Context, given string) (*corpus.Bank, error) {
	return s.index.FindBank(ctx, given)
}

// FindBankDigest returns a bank's case counts by dimension and by theme and
// up to n of its cases of each dimension, reading only those (at 100,000
// cases a bank has thousands).
func (s *Service) FindBankDigest(ctx context.Context, bankID string, n int) (*index.BankDigest, error) {
	return s.index.BankDigest(ctx, bankID, n)
}
