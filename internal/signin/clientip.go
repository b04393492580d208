package signin

import (
	"net"
	"strings"

	"github.com/labstack/echo/v4"
)

// ClientIP returns how the client's address is found. Without behindProxy
// it is the TCP peer. Behind a proxy, X-Forwarded-For is believed only from
// a peer in trusted (addresses or CIDR ranges; loopback when empty): any
// other peer could write what it likes there, to dodge the per-address
// limits or to put a false address in the audit log.
func ClientIP(behindProxy bool, trusted []string) echo.IPExtractor {
	if !behindProxy {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	if len(trusted) == 0 {
		return echo.ExtractIPFromXFFHeader(append(opts, echo.TrustLoopback(true))...)
	}
	opts = append(opts, echo.TrustLoopback(false))
	for _, t := range trusted {
		t = strings.TrimSpace(t)
		if !strings.Contains(t, "/") {
			if ip := net.ParseIP(t); ip != nil && ip.To4() != nil {
				t += "/32"
			} else {
				t += "/128"
			}
		}
		if _, n, err := net.ParseCIDR(t); err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
