// The proxy choice against the cases Go's own tests pin for ProxyFromEnvironment (kubectl's rules).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeProxy, parseProxy, proxyEnvironment, proxyForUrl, ProxyRefusedError, type ProxyEnvironment } from '../../../src/kube/proxy-for-url.ts';

function choose(environment: ProxyEnvironment, url = 'http://example.com'): string {
  const proxy = proxyForUrl(new URL(url), environment);
  return proxy === undefined ? '<nil>' : describeProxy(proxy);
}

describe('proxyForUrl', () => {
  const cases: Array<[ProxyEnvironment, string | undefined, string]> = [
    [{ httpProxy: '127.0.0.1:8080' }, undefined, 'http://127.0.0.1:8080'],
    [{ httpProxy: 'cache.corp.example.com:1234' }, undefined, 'http://cache.corp.example.com:1234'],
    [{ httpProxy: 'cache.corp.example.com' }, undefined, 'http://cache.corp.example.com'],
    [{ httpProxy: 'localhost' }, undefined, 'http://localhost'],
    [{ httpProxy: 'https://cache.corp.example.com' }, undefined, 'https://cache.corp.example.com'],
    [{ httpProxy: 'http://127.0.0.1:8080' }, undefined, 'http://127.0.0.1:8080'],
    [{ httpProxy: 'https://127.0.0.1:8080' }, undefined, 'https://127.0.0.1:8080'],
    [{ httpProxy: 'socks5://127.0.0.1' }, undefined, 'socks5://127.0.0.1'],
    [{ httpProxy: 'foo://host' }, undefined, 'foo://host'],
    [{ httpProxy: 'http.proxy.tld', httpsProxy: 'secure.proxy.tld' }, 'http://insecure.tld/', 'http://http.proxy.tld'],
    [{ httpProxy: 'http.proxy.tld', httpsProxy: 'secure.proxy.tld' }, 'https://secure.tld/', 'http://secure.proxy.tld'],
    [{ httpProxy: 'http.proxy.tld', httpsProxy: 'https://secure.proxy.tld' }, 'https://secure.tld/', 'https://secure.proxy.tld'],
    [{ httpProxy: 'http.proxy.tld' }, 'https://secure.tld/', '<nil>'],
    [{ httpProxy: 'http.proxy.tld' }, 'ftp://insecure.tld/', '<nil>'],
    [{ httpsProxy: 'https://secure.proxy.tld', cgi: true }, 'https://secure.tld/', 'https://secure.proxy.tld'],
    [{}, undefined, '<nil>'],
    [{ noProxy: 'example.com', httpProxy: 'proxy' }, 'http://example.com/', '<nil>'],
    [{ noProxy: '.example.com', httpProxy: 'proxy' }, 'http://example.com/', 'http://proxy'],
    [{ noProxy: 'ample.com', httpProxy: 'proxy' }, 'http://example.com/', 'http://proxy'],
    [{ noProxy: 'example.com', httpProxy: 'proxy' }, 'http://foo.example.com/', '<nil>'],
    [{ noProxy: '.foo.com', httpProxy: 'proxy' }, 'http://example.com/', 'http://proxy'],
    [{ noProxy: '.示例.com', httpProxy: 'proxy' }, 'http://www.示例.com', '<nil>'],
    [{ noProxy: 'xn--fsq092h.com', httpProxy: 'proxy' }, 'http://www.示例.com', '<nil>'],
    [{ noProxy: '示例.com', httpProxy: 'proxy' }, 'http://www.xn--fsq092h.com', '<nil>'],
    // the WebSocket upgrades of exec and port-forward follow their https/http server
    [{ httpsProxy: 'proxy.corp:3128' }, 'wss://api.corp:6443/api/v1/namespaces/x/pods/y/exec', 'http://proxy.corp:3128'],
  ];
  for (const [environment, url, want] of cases) {
    it(`${JSON.stringify(environment)} for ${url ?? 'http://example.com'} -> ${want}`, () => {
      assert.equal(choose(environment, url), want);
    });
  }

  it('refuses HTTP_PROXY in a CGI environment, where a request header can set it', () => {
    assert.throws(() => proxyForUrl(new URL('http://example.com'), { httpProxy: 'http://10.1.2.3:8080', cgi: true }), ProxyRefusedError);
  });

  const noProxy = 'foobar.com, .barbaz.net, *.wildcard.io, 192.168.1.1, 192.168.1.2:81, 192.168.1.3:80, 10.0.0.0/30, 2001:db8::52:0:1, [2001:db8::52:0:2]:443, [2001:db8::52:0:3]:80, 2002:db8:a::45/64';
  const useProxy: Array<[string, boolean]> = [
    ['localhost', false], ['127.0.0.1', false], ['127.0.0.2', false], ['[::1]', false], ['[::2]', true],
    ['192.168.1.1', false], ['192.168.1.2', true], ['192.168.1.3', false], ['192.168.1.4', true], ['10.0.0.2', false],
    ['[2001:db8::52:0:1]', false], ['[2001:db8::52:0:2]', true], ['[2001:db8::52:0:3]', false], ['[2002:db8:a::123]', false],
    ['[fe80::424b:c8be:1643:a1b6]', true],
    ['barbaz.net', true], ['www.barbaz.net', false], ['foobar.com', false], ['www.foobar.com', false], ['foofoobar.com', true],
    ['baz.com', true], ['localhost.net', true], ['local.localhost', true], ['barbarbaz.net', true], ['wildcard.io', true],
    ['nested.wildcard.io', false], ['awildcard.io', true],
  ];
  for (const [host, proxied] of useProxy) {
    it(`NO_PROXY list: ${host}:80 ${proxied ? 'goes through the proxy' : 'is direct'}`, () => {
      assert.equal(choose({ httpProxy: 'proxy', noProxy }, `http://${host}:80/`) !== '<nil>', proxied);
    });
    it(`NO_PROXY=*: ${host}:80 is direct`, () => {
      assert.equal(choose({ httpProxy: 'proxy', noProxy: '*' }, `http://${host}:80/`), '<nil>');
    });
  }

  it('ignores a malformed NO_PROXY entry', () => {
    assert.equal(choose({ httpProxy: 'proxy', noProxy: ':1' }, 'http://example.com:80/'), 'http://proxy');
  });

  it('compares a NO_PROXY port with the default port of the scheme', () => {
    assert.equal(choose({ httpsProxy: 'proxy', noProxy: 'api.corp:443' }, 'https://api.corp/'), '<nil>');
    assert.equal(choose({ httpsProxy: 'proxy', noProxy: 'api.corp:443' }, 'https://api.corp:6443/'), 'http://proxy');
  });
});

describe('proxyEnvironment', () => {
  it('reads the upper-case names first, then the lower-case ones, and REQUEST_METHOD as CGI', () => {
    assert.deepEqual(proxyEnvironment({ HTTP_PROXY: 'a', http_proxy: 'b', https_proxy: 'c', no_proxy: 'd', REQUEST_METHOD: '' }), { httpProxy: 'a', httpsProxy: 'c', noProxy: 'd', cgi: false });
    assert.deepEqual(proxyEnvironment({ HTTPS_PROXY: '', https_proxy: 'c', REQUEST_METHOD: 'PUT' }), { httpsProxy: 'c', cgi: true });
  });
});

describe('describeProxy', () => {
  it('hides a password', () => {
    assert.equal(describeProxy(parseProxy('http://user:secret@proxy:3128')!), 'http://user:***@proxy:3128');
  });
});
