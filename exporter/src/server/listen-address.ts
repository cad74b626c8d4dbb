/** Parses a listen address as Prometheus exporters spell it: "host:port", ":port" (all interfaces) or "[v6]:port". */
export function parseListenAddress(text: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  if (!m) throw new Error(`invalid --web.listen-address "${text}": use host:port, :port or [ipv6]:port (for example 127.0.0.1:9464)`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`invalid --web.listen-address "${text}": port must be 0..65535`);
  const host = m[1] ?? m[2];
  return { host: host === undefined || host === '' ? undefined : host, port };
}
