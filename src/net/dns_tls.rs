//! DNS over TLS (RFC 7858): the connection [`crate::net::dns_stream`] pipelines its queries
//! over, opened by rustls (ring as the crypto provider). The certificate is verified against
//! the system's roots, or a CA file given for a lab, or not at all when asked; the name checked
//! (and sent as SNI) is `--tls-name`, else the server's address.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::crypto::{CryptoProvider, ring};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{
    self, ClientConfig, DigitallySignedStruct, ProtocolVersion, RootCertStore, SignatureScheme,
};

use crate::net::dns_stream::{Opened, Opener, Stream};

/// Which certificates are trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// The system's roots (/etc/ssl/certs).
    System,
    /// Only the CAs in this PEM file.
    CaFile(PathBuf),
    /// None checked at all (a lab with a throw-away certificate).
    Insecure,
}

/// An opener of TLS connections to `server`, verifying `name` as `trust` says.
pub fn opener(server: SocketAddr, name: Option<&str>, trust: &Trust) -> Result<Opener, String> {
    let config = client_config(trust)?;
    let server_name = server_name(server, name)?;
    let connector = TlsConnector::from(Arc::new(config));
    Ok(Arc::new(move || {
        let connector = connector.clone();
        let server_name = server_name.clone();
        Box::pin(async move {
            let (tls, version) = connect(server, &connector, server_name).await?;
            Ok(Opened {
                stream: Box::new(tls) as Box<dyn Stream>,
                tls_version: version,
            })
        })
    }))
}

/// A TCP connection to `server` with TLS over it, and the TLS version agreed.
pub(crate) async fn connect(
    server: SocketAddr,
    connector: &TlsConnector,
    server_name: ServerName<'static>,
) -> io::Result<(TlsStream<TcpStream>, Option<String>)> {
    let tcp = TcpStream::connect(server).await?;
    tcp.set_nodelay(true)?;
    let tls = connector
        .connect(server_name, tcp)
        .await
        .map_err(|e| io::Error::new(e.kind(), format!("TLS handshake: {e}")))?;
    let version = tls.get_ref().1.protocol_version().map(version_name);
    Ok((tls, version))
}

/// A rustls client configuration (ring as the provider) that trusts what `trust` says.
pub(crate) fn client_config(trust: &Trust) -> Result<ClientConfig, String> {
    let provider = Arc::new(ring::default_provider());
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    Ok(match trust {
        Trust::Insecure => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
            .with_no_client_auth(),
        Trust::System => {
            let found = rustls_native_certs::load_native_certs();
            let mut roots = RootCertStore::empty();
            let (added, _) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err(
                    "no trusted certificate found in the system's store (use --ca FILE or \
                     --insecure)"
                        .into(),
                );
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        Trust::CaFile(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let mut roots = RootCertStore::empty();
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(format!("{} holds no certificate", path.display()));
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
    })
}

/// The name checked in the certificate and sent as SNI: `name`, else the server's address.
pub(crate) fn server_name(
    server: SocketAddr,
    name: Option<&str>,
) -> Result<ServerName<'static>, String> {
    match name {
        Some(name) => ServerName::try_from(name.to_string())
            .map_err(|_| format!("'{name}' is not a valid TLS server name")),
        None => Ok(ServerName::IpAddress(server.ip().into())),
    }
}

/// `TLSv1.3`, as openssl and kdig name versions.
fn version_name(version: ProtocolVersion) -> String {
    match version {
        ProtocolVersion::TLSv1_3 => "TLSv1.3".into(),
        ProtocolVersion::TLSv1_2 => "TLSv1.2".into(),
        other => format!("{other:?}"),
    }
}

/// `--insecure`: any certificate is accepted (the handshake's signatures are still checked).
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
