package resolver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

// didDocument holds the fields of a DID document the resolver reads.
type didDocument struct {
	ID      string `json:"id"`
	Service []struct {
		ID              string `json:"id"`
		Type            string `json:"type"`
		ServiceEndpoint any    `json:"serviceEndpoint"`
	} `json:"service"`
}

// pdsEndpoint returns the #atproto_pds service endpoint of did.
func (n *network) pdsEndpoint(ctx context.Context, did syntax.DID) (*url.URL, error) {
	return lookup(ctx, n, n.pds, string(did), false, func(ctx context.Context) (*url.URL, error) {
		u, err := didDocumentURL(n.cfg.PLCURL, did)
		if err != nil {
			return nil, err
		}
		body, err := n.getJSON(ctx, "DID document of "+string(did), u)
		if err != nil {
			return nil, err
		}
		return pdsFromDocument(did, body)
	})
}

// didDocumentURL locates did's document: the PLC directory for did:plc, the
// host's well-known path for did:web (host names only, as atproto requires).
func didDocumentURL(plc string, did syntax.DID) (*url.URL, error) {
	switch did.Method() {
	case "plc":
		u, err := url.Parse(plc)
		if err != nil {
			return nil, fmt.Errorf("%w: PLC directory URL: %w", ErrResolution, err)
		}
		return u.JoinPath(string(did)), nil
	case "web":
		host, err := didWebHost(did)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrResolution, did, err)
		}
		return &url.URL{Scheme: "https", Host: host, Path: "/.well-known/did.json"}, nil
	}
	return nil, fmt.Errorf("%w: %s: DID method %q is not supported (want plc or web)", ErrResolution, did, did.Method())
}

// didWebHost returns the host (and port) a did:web names. Colons separate
// path segments in did:web, which atproto does not allow; a port is written
// %3A.
func didWebHost(did syntax.DID) (string, error) {
	id := did.Identifier()
	if strings.Contains(id, ":") {
		return "", fmt.Errorf("did:web with a path is not supported")
	}
	host, err := url.PathUnescape(id)
	if err != nil {
		return "", err
	}
	u, err := url.Parse("https://" + host + "/")
	if err != nil || u.Host != host || u.Hostname() == "" {
		return "", fmt.Errorf("%q is not a host name", host)
	}
	return host, nil
}

func pdsFromDocument(did syntax.DID, body []byte) (*url.URL, error) {
	var doc didDocument
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("%w: DID document of %s: %w", ErrResolution, did, err)
	}
	if doc.ID != string(did) {
		return nil, fmt.Errorf("%w: DID document of %s is for %q", ErrResolution, did, doc.ID)
	}
	for _, s := range doc.Service {
		if (s.ID != "#atproto_pds" && s.ID != string(did)+"#atproto_pds") || s.Type != "AtprotoPersonalDataServer" {
			continue
		}
		raw, ok := s.ServiceEndpoint.(string)
		if !ok {
			return nil, fmt.Errorf("%w: DID document of %s: the #atproto_pds endpoint is not a URL string", ErrResolution, did)
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("%w: DID document of %s: the #atproto_pds endpoint %q is not an http(s) origin", ErrResolution, did, raw)
		}
		return u, nil
	}
	return nil, fmt.Errorf("%w: DID document of %s has no #atproto_pds service", ErrResolution, did)
}
