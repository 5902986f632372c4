import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aptBoolean, tlsSettingsFor } from '../../src/apt/tls-settings.js';

const config = (pairs: Record<string, string>) => new Map(Object.entries(pairs).map(([key, value]) => [key.toLowerCase(), [value]]));

describe('APT\'s TLS settings for a host', () => {
  it('looks up as the https method does: https::HOST, http::HOST, https, http', () => {
    const all = config({
      'Acquire::http::CaInfo': '/http.pem',
      'Acquire::https::CaInfo': '/https.pem',
      'Acquire::http::mirror.example::CaInfo': '/http-host.pem',
      'Acquire::https::Mirror.Example::CaInfo': '/https-host.pem',
    });
    assert.equal(tlsSettingsFor('mirror.example', all).caInfo, '/https-host.pem');
    all.delete('acquire::https::mirror.example::cainfo');
    assert.equal(tlsSettingsFor('mirror.example', all).caInfo, '/http-host.pem');
    assert.equal(tlsSettingsFor('other.example', all).caInfo, '/https.pem');
    all.delete('acquire::https::cainfo');
    assert.equal(tlsSettingsFor('other.example', all).caInfo, '/http.pem');
  });

  it('checks peer and host unless told otherwise, per host too', () => {
    assert.deepEqual(tlsSettingsFor('m', new Map()), { caInfo: undefined, verifyPeer: true, verifyHost: true, sslCert: undefined, sslKey: undefined, crlFile: undefined });
    const lax = config({ 'Acquire::https::m::Verify-Peer': 'false', 'Acquire::https::Verify-Host': 'no' });
    assert.equal(tlsSettingsFor('m', lax).verifyPeer, false);
    assert.equal(tlsSettingsFor('n', lax).verifyPeer, true);
    assert.equal(tlsSettingsFor('n', lax).verifyHost, false);
  });

  it('refuses what APT refuses: TLS switched off, IssuerCert, SslForceVersion', () => {
    assert.match(tlsSettingsFor('m', config({ 'Acquire::AllowTLS': 'false' })).refused ?? '', /Acquire::AllowTLS is false/);
    assert.match(tlsSettingsFor('m', config({ 'Acquire::https::m::IssuerCert': '/x.pem' })).refused ?? '', /'IssuerCert' is not supported anymore/);
    assert.equal(tlsSettingsFor('m', config({ 'Acquire::https::other::SslForceVersion': 'TLSv1.2' })).refused, undefined);
  });

  it('reads booleans as APT does', () => {
    assert.deepEqual(['yes', 'true', 'on', 'enable', 'with', '1', 'no', 'false', 'off', 'disable', 'without', '0'].map((value) => aptBoolean(value, false)),
      [true, true, true, true, true, true, false, false, false, false, false, false]);
    assert.equal(aptBoolean('maybe', true), true);
    assert.equal(aptBoolean(undefined, false), false);
  });
});
