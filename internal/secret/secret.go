package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// KeyLen is the length in bytes of a generated server secret key.
const KeyLen = 32

// Keys are the sub-keys derived from the server secret key.
type Keys struct {
	hashKey []byte
	aead    cipher.AEAD
	rand    io.Reader
}

// New derives the sub-keys from master (at least 32 bytes). rand feeds nonces and generated
// secrets.
func New(master []byte, rand io.Reader) (*Keys, error) {
	if len(master) < KeyLen {
		return nil, fmt.Errorf("secret key: need at least %d bytes, have %d", KeyLen, len(master))
	}
	hashKey, err := hkdf.Key(sha256.New, master, nil, "gatehouse system-secret hash v1", 32)
	if err != nil {
		return nil, err
	}
	sealKey, err := hkdf.Key(sha256.New, master, nil, "gatehouse signing-key seal v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(sealKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Keys{hashKey: hashKey, aead: aead, rand: rand}, nil
}

// LoadOrCreate returns the secret key given in base64 (configured), or else the one kept in
// path, creating that file with a fresh random key (mode 0600) when it does not exist.
func LoadOrCreate(configured, path string, rand io.Reader) ([]byte, error) {
	if configured != "" {
		return Decode(configured)
	}
	if b, err := os.ReadFile(path); err == nil {
		return Decode(strings.TrimSpace(string(b)))
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	key := make([]byte, KeyLen)
	if _, err := io.ReadFull(rand, key); err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) { // another process created it first: use theirs
			return LoadOrCreate("", path, rand)
		}
		return nil, fmt.Errorf("secret key: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	return key, f.Sync()
}

// Decode parses a base64 (standard or URL alphabet, padded or not) secret key of ≥ 32 bytes.
func Decode(s string) ([]byte, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) < KeyLen {
				return nil, fmt.Errorf("secret key: need at least %d bytes, have %d", KeyLen, len(b))
			}
			return b, nil
		}
	}
	return nil, errors.New("secret key: not base64")
}

// HashSecret returns the keyed hash under which a sub-system secret is stored.
func (k *Keys) HashSecret(secret string) []byte {
	m := hmac.New(sha256.New, k.hashKey)
	m.Write([]byte(secret))
	return m.Sum(nil)
}

// SecretMatches reports, in constant time, whether secret hashes to stored.
func (k *Keys) SecretMatches(secret string, stored []byte) bool {
	return len(stored) == sha256.Size && subtle.ConstantTimeCompare(k.HashSecret(secret), stored) == 1
}

// NewSecret returns a fresh sub-system secret: 32 random bytes, base64url, prefixed "ghs_" so
// that secret scanners recognise it.
func (k *Keys) NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(k.rand, b); err != nil {
		return "", err
	}
	return "ghs_" + base64.RawURLEncoding.EncodeToString(b), nil
}

// Seal encrypts plaintext; label binds the ciphertext to its purpose (e.g. the key id), so a
// sealed value cannot be moved to another record.
func (k *Keys) Seal(plaintext []byte, label string) ([]byte, error) {
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	if _, err := io.ReadFull(k.rand, nonce); err != nil {
		return nil, err
	}
	return k.aead.Seal(nonce, nonce, plaintext, []byte(label)), nil
}

// Open decrypts what Seal produced with the same label.
func (k *Keys) Open(sealed []byte, label string) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < n+k.aead.Overhead() {
		return nil, errors.New("sealed value too short")
	}
	pt, err := k.aead.Open(nil, sealed[:n], sealed[n:], []byte(label))
	if err != nil {
		return nil, errors.New("sealed value does not open with this secret key (was secret_key changed?)")
	}
	return pt, nil
}
