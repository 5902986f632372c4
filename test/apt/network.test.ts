import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialsFor, parseAuthConf, redactUri, splitLogin } from '../../src/apt/auth-conf.js';
import { proxyAutoDetectCommand, proxyFor } from '../../src/apt/proxy.js';

describe('auth.conf', () => {
  const entries = parseAuthConf(`
machine example.org/debian login apt password debian
machine http://plain.example:8080
  login old
  password school
machine https://example.org login other password x
`);

  it('parses entries on one line or many', () => {
    assert.equal(entries.length, 3);
    assert.deepEqual(entries[1], { scheme: 'http', host: 'plain.example', port: '8080', path: '', login: 'old', password: 'school' });
  });

  it('matches like APT: no scheme means https only; port and path prefix must fit', () => {
    assert.equal(credentialsFor('https://example.org/debian/pool/a.deb', entries)?.login, 'apt');
    assert.equal(credentialsFor('http://example.org/debian/pool/a.deb', entries), undefined);
    assert.equal(credentialsFor('https://example.org/other/a.deb', entries)?.login, 'other');
    assert.equal(credentialsFor('http://plain.example:8080/a.deb', entries)?.password, 'school');
    assert.equal(credentialsFor('http://plain.example:9090/a.deb', entries), undefined);
  });

  it('takes a login out of a source URI, as an entry for that source only', () => {
    const { uri, entry } = splitLogin('http://us%40er:pa:ss@Mirror.example:8080/debian/');
    assert.equal(uri, 'http://Mirror.example:8080/debian/');
    assert.deepEqual(entry, { scheme: 'http', host: 'mirror.example', port: '8080', path: '/debian/', login: 'us@er', password: 'pa:ss' });
    assert.equal(credentialsFor('http://mirror.example:8080/debian/pool/a.deb', [entry!])?.login, 'us@er');
    assert.equal(credentialsFor('https://mirror.example:8080/debian/pool/a.deb', [entry!]), undefined, 'not for another scheme');
    assert.equal(credentialsFor('http://mirror.example:8080/other/a.deb', [entry!]), undefined, 'not outside the source');
    assert.deepEqual(splitLogin('https://deb.example/debian/'), { uri: 'https://deb.example/debian/' });
  });

  it('redacts credentials in URIs for messages', () => {
    assert.equal(redactUri('https://user:pw@example.org/a.deb'), 'https://***@example.org/a.deb');
    assert.equal(redactUri('http://example.org/a.deb'), 'http://example.org/a.deb');
  });
});

describe('proxy choice', () => {
  const config = (pairs: Record<string, string>) => new Map(Object.entries(pairs).map(([key, value]) => [key.toLowerCase(), [value]]));

  it('takes the per-host setting first, then the general one, DIRECT meaning none', () => {
    const apt = config({ 'Acquire::http::Proxy': 'http://p:3128/', 'Acquire::http::Proxy::mirror.local': 'DIRECT' });
    assert.equal(proxyFor('http://deb.example/a.deb', apt, {}), 'http://p:3128/');
    assert.equal(proxyFor('http://mirror.local/a.deb', apt, {}), undefined);
    assert.equal(proxyFor('https://deb.example/a.deb', apt, {}), undefined, 'https has its own setting');
  });

  it('uses http_proxy only when APT has no setting, minus no_proxy hosts', () => {
    const env = { http_proxy: 'http://env:3128/', no_proxy: 'localhost,.internal' };
    assert.equal(proxyFor('http://deb.example/a.deb', new Map(), env), 'http://env:3128/');
    assert.equal(proxyFor('http://repo.internal/a.deb', new Map(), env), undefined);
    assert.equal(proxyFor('http://deb.example/a.deb', config({ 'Acquire::http::Proxy': 'DIRECT' }), env), undefined);
    assert.equal(proxyFor('file:/srv/a.deb', new Map(), env), undefined);
  });

  it('names APT\'s Proxy-Auto-Detect command (or its older spelling) unless the host has a proxy of its own', () => {
    const apt = config({ 'Acquire::http::Proxy-Auto-Detect': '/usr/bin/auto-apt-proxy', 'Acquire::http::Proxy::mirror.local': 'DIRECT' });
    assert.equal(proxyAutoDetectCommand('http://deb.example/a.deb', apt), '/usr/bin/auto-apt-proxy');
    assert.equal(proxyAutoDetectCommand('http://mirror.local/a.deb', apt), undefined, 'a per-host setting decides first');
    assert.equal(proxyAutoDetectCommand('https://deb.example/a.deb', apt), undefined, 'https has its own setting');
    assert.equal(proxyAutoDetectCommand('https://deb.example/a.deb', config({ 'Acquire::https::ProxyAutoDetect': '/bin/detect' })), '/bin/detect');
    assert.equal(proxyAutoDetectCommand('http://deb.example/a.deb', config({ 'Acquire::http::Proxy-Auto-Detect': '' })), undefined);
    assert.equal(proxyAutoDetectCommand('not a uri', apt), undefined);
  });
});
