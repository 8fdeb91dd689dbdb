//! Iterative resolution from the root, as `dig +trace` does it: the root servers (from root
//! hints) are asked for the root's own NS set first (priming), then the name is asked of one
//! root server, the referral it returns (the NS set of the next zone cut, with glue) is
//! followed to that zone's servers, and so on down to the servers that answer.
//!
//! Every query goes out with recursion off, so each server says only what it knows itself.
//! A name server named in a referral without glue is itself resolved from the root (bounded in
//! depth), as a resolver would. A server that fails (no answer, REFUSED, SERVFAIL, an answer
//! that is neither an answer nor a referral below the zone it serves) is skipped for the next
//! server of the same zone; when every server of a zone fails, the trace ends with a lame
//! delegation or a referral loop named as such. Every wait is bounded: the caller's timeout and
//! tries for one query, [`MAX_SERVERS`] addresses per zone, [`MAX_REFERRALS`] zone cuts,
//! [`MAX_QUERIES`] queries in all.
//!
//! Servers are asked in the order the referral lists them (dig picks at random), so that a
//! trace of the same hierarchy asks the same servers each time.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use hickory_resolver::proto::op::{Message, Query, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, RecordType};

use crate::model::dns_name;
use crate::net::dns::{self, Answer, DnsRecord};
use crate::net::dns_stream::{StreamFailure, StreamMux};
use crate::net::dns_udp::{UdpFailure, UdpMux};
use crate::net::host::Family;

mod config;
mod report;

pub use config::{NameServer, TraceOptions, builtin_root_hints, parse_root_hints};
pub use report::{Delegation, Glue, ServerTry, StepKind, Trace, TraceStep};
use report::{failure_summary, glue_list, millis};

/// Server addresses tried for one zone before it is given up.
pub const MAX_SERVERS: usize = 6;
/// Zone cuts followed for one name.
pub const MAX_REFERRALS: usize = 30;
/// Queries sent in one trace, glue lookups included.
pub const MAX_QUERIES: usize = 100;
/// How deep glue lookups nest (the address of a server of a server of ...).
pub const MAX_GLUE_DEPTH: usize = 3;

/// Trace `name` (fully qualified, ASCII) for `rtype`.
pub async fn trace(name: &str, rtype: RecordType, options: &TraceOptions) -> Trace {
    let mut tracer = Tracer {
        options,
        steps: Vec::new(),
        queries: 0,
    };
    let end = tracer.run(name, rtype).await;
    Trace {
        steps: tracer.steps,
        end,
    }
}

/// The response of one server, or why there is none.
struct Response {
    message: Message,
    bytes: usize,
}

struct Tracer<'a> {
    options: &'a TraceOptions,
    steps: Vec<TraceStep>,
    queries: usize,
}

/// What one server's response means for the trace.
enum Verdict {
    Final(StepKind),
    Referral(Name, Vec<NameServer>),
    /// Not usable: the reason, and whether it is a referral that leads nowhere new.
    Unusable(String, bool),
}

impl Tracer<'_> {
    async fn run(&mut self, name: &str, rtype: RecordType) -> Result<StepKind, String> {
        let qname = Name::from_ascii(name).map_err(|e| format!("{name}: {e}"))?;
        let roots = self.prime().await?;
        self.descend(&qname, rtype, roots, None, 0).await
    }

    /// Ask for the root's NS set; the servers it names, with their addresses.
    async fn prime(&mut self) -> Result<Vec<NameServer>, String> {
        let (servers, recurse) = match self.options.prime_via {
            Some(addr) => (
                vec![NameServer {
                    name: addr.ip().to_string(),
                    addrs: vec![addr.ip()],
                }],
                true,
            ),
            None => (self.options.roots.clone(), false),
        };
        let mut step = self.step(".", RecordType::NS, ".", None);
        let port = self
            .options
            .prime_via
            .map_or(self.options.port, |a| a.port());
        for (server, addr) in self.addresses(&servers) {
            let at = SocketAddr::new(addr, port);
            let (response, tried) = self
                .ask(&server, at, &Name::root(), RecordType::NS, recurse)
                .await?;
            let Some(response) = response else {
                step.servers.push(tried);
                continue;
            };
            let answer = Answer::from_message(&response.message);
            let ns: Vec<NameServer> = ns_names(&response.message.answers, &Name::root())
                .into_iter()
                .map(|n| {
                    let addrs = glue_for(&response.message, &n, self.options.family);
                    let hinted = self
                        .options
                        .roots
                        .iter()
                        .find(|r| r.name.eq_ignore_ascii_case(&dns_name::name_text(&n)))
                        .map(|r| r.addrs.clone())
                        .unwrap_or_default();
                    NameServer {
                        name: dns_name::name_text(&n),
                        addrs: if addrs.is_empty() { hinted } else { addrs },
                    }
                })
                .collect();
            if answer.rcode != "NOERROR" || ns.is_empty() {
                let reason = if answer.rcode == "NOERROR" {
                    "no NS records for the root in its answer".to_string()
                } else {
                    format!("answered {}", answer.rcode)
                };
                step.servers.push(tried.failed(reason));
                continue;
            }
            step.servers.push(tried);
            step.kind = StepKind::Root;
            step.delegation = Some(Delegation {
                zone: ".".into(),
                ns: ns.iter().map(|s| s.name.clone()).collect(),
            });
            step.glue = glue_list(&ns);
            fill(&mut step, &answer, &response, answer.records.clone());
            self.steps.push(step);
            return Ok(ns);
        }
        let reason = failure_summary(&step.servers);
        self.steps.push(step);
        Err(format!(
            "no root server answered for the root's NS set: {reason}"
        ))
    }

    /// Follow referrals from `servers` (serving `zone`, the root when `None`) down to `qname`.
    async fn descend(
        &mut self,
        qname: &Name,
        rtype: RecordType,
        mut servers: Vec<NameServer>,
        glue_for_name: Option<String>,
        depth: usize,
    ) -> Result<StepKind, String> {
        let mut zone = Name::root();
        let query = dns_name::name_text(qname);
        for _ in 0..MAX_REFERRALS {
            let zone_text = dns_name::name_text(&zone);
            let mut step = self.step(&query, rtype, &zone_text, glue_for_name.clone());
            let mut next = None;
            let mut loops = 0;
            let mut tried = 0;
            let mut index = 0;
            let mut unaddressed: Vec<String> = Vec::new();
            while index < servers.len() && tried < MAX_SERVERS {
                if servers[index].addrs.is_empty() && depth < MAX_GLUE_DEPTH {
                    let wanted = servers[index].name.clone();
                    servers[index].addrs = self.glueless(&wanted, &zone, depth).await?;
                }
                let server = servers[index].clone();
                index += 1;
                if server.addrs.is_empty() {
                    unaddressed.push(server.name.clone());
                }
                for addr in server
                    .addrs
                    .iter()
                    .copied()
                    .filter(|a| self.options.family.allows(*a))
                {
                    if tried >= MAX_SERVERS {
                        break;
                    }
                    tried += 1;
                    let at = SocketAddr::new(addr, self.options.port);
                    let (response, attempt) =
                        self.ask(&server.name, at, qname, rtype, false).await?;
                    let Some(response) = response else {
                        step.servers.push(attempt);
                        continue;
                    };
                    match judge(&response.message, qname, &zone, self.options.family) {
                        Verdict::Unusable(reason, is_loop) => {
                            loops += usize::from(is_loop);
                            step.servers.push(attempt.failed(reason));
                        }
                        verdict => {
                            step.servers.push(attempt);
                            next = Some((verdict, response));
                            break;
                        }
                    }
                }
                if next.is_some() {
                    break;
                }
            }
            let Some((verdict, response)) = next else {
                let failed = step.servers.len();
                let reason = if step.servers.is_empty() {
                    format!(
                        "no address for {}: the referral came without glue, and {}",
                        unaddressed.join(", "),
                        if depth < MAX_GLUE_DEPTH {
                            "looking it up from the root found none (a name inside the zone \
                             it serves cannot be found that way)"
                        } else {
                            "glue lookups already nest as deep as they may"
                        }
                    )
                } else {
                    failure_summary(&step.servers)
                };
                step.kind = StepKind::Failed;
                self.steps.push(step);
                let what = if failed > 0 && loops == failed {
                    "referral loop"
                } else {
                    "lame delegation"
                };
                return Err(format!(
                    "{what} at {zone_text}: no server of {zone_text} answered {query} {}: {reason}",
                    dns_name::type_name(rtype)
                ));
            };
            let answer = Answer::from_message(&response.message);
            match verdict {
                Verdict::Final(kind) => {
                    step.kind = kind;
                    let records = if kind == StepKind::Answer {
                        answer.records.clone()
                    } else {
                        response
                            .message
                            .authorities
                            .iter()
                            .map(DnsRecord::from_record)
                            .collect()
                    };
                    fill(&mut step, &answer, &response, records);
                    self.steps.push(step);
                    return Ok(kind);
                }
                Verdict::Referral(cut, ns) => {
                    step.kind = StepKind::Referral;
                    step.delegation = Some(Delegation {
                        zone: dns_name::name_text(&cut),
                        ns: ns.iter().map(|s| s.name.clone()).collect(),
                    });
                    step.glue = glue_list(&ns);
                    let records = response
                        .message
                        .authorities
                        .iter()
                        .filter(|r| r.name == cut)
                        .map(DnsRecord::from_record)
                        .collect();
                    fill(&mut step, &answer, &response, records);
                    self.steps.push(step);
                    zone = cut;
                    servers = ns;
                    // Servers with glue first: one without costs a lookup from the root.
                    servers.sort_by_key(|s| s.addrs.is_empty());
                }
                Verdict::Unusable(..) => unreachable!("unusable responses are skipped"),
            }
        }
        Err(format!(
            "{query}: more than {MAX_REFERRALS} referrals; the trace stops there"
        ))
    }

    /// Addresses of `server`, a name server of a zone below `zone` that came without glue:
    /// looked up from the root, A then AAAA.
    async fn glueless(
        &mut self,
        server: &str,
        zone: &Name,
        depth: usize,
    ) -> Result<Vec<IpAddr>, String> {
        let Ok(name) = Name::from_ascii(server) else {
            return Ok(Vec::new());
        };
        // A server inside the zone it serves can only be found through that zone: without
        // glue, there is no way in.
        if zone.zone_of(&name) && !zone.is_root() {
            return Ok(Vec::new());
        }
        let mut addrs = Vec::new();
        let types: &[RecordType] = match self.options.family {
            Family::V4 => &[RecordType::A],
            Family::V6 => &[RecordType::AAAA],
            Family::Any => &[RecordType::A, RecordType::AAAA],
        };
        for rtype in types {
            let roots = self.root_servers();
            let from = self.steps.len();
            let end =
                Box::pin(self.descend(&name, *rtype, roots, Some(server.to_string()), depth + 1))
                    .await;
            if end == Ok(StepKind::Answer)
                && let Some(last) = self.steps[from..].last()
            {
                addrs.extend(
                    last.records
                        .iter()
                        .filter(|r| {
                            r.name.eq_ignore_ascii_case(server)
                                && (r.rtype == "A" || r.rtype == "AAAA")
                        })
                        .filter_map(|r| r.data.parse::<IpAddr>().ok()),
                );
            }
            if !addrs.is_empty() {
                break;
            }
        }
        Ok(addrs)
    }

    /// The root servers as priming found them.
    fn root_servers(&self) -> Vec<NameServer> {
        let Some(root) = self.steps.iter().find(|s| s.kind == StepKind::Root) else {
            return self.options.roots.clone();
        };
        let ns = root
            .delegation
            .as_ref()
            .map(|d| d.ns.clone())
            .unwrap_or_default();
        ns.into_iter()
            .map(|name| NameServer {
                addrs: root
                    .glue
                    .iter()
                    .filter(|g| g.name.eq_ignore_ascii_case(&name))
                    .filter_map(|g| g.address.parse().ok())
                    .collect(),
                name,
            })
            .collect()
    }

    /// Each (server name, address) pair to try, in order, for the family asked.
    fn addresses(&self, servers: &[NameServer]) -> Vec<(String, IpAddr)> {
        servers
            .iter()
            .flat_map(|s| s.addrs.iter().map(move |a| (s.name.clone(), *a)))
            .filter(|(_, a)| self.options.family.allows(*a))
            .take(MAX_SERVERS)
            .collect()
    }

    /// Ask one server; the response or (in the [`ServerTry`]) why there is none. An error
    /// only when the trace has used up its queries.
    async fn ask(
        &mut self,
        name: &str,
        at: SocketAddr,
        qname: &Name,
        rtype: RecordType,
        recurse: bool,
    ) -> Result<(Option<Response>, ServerTry), String> {
        if self.queries >= MAX_QUERIES {
            return Err(format!(
                "{MAX_QUERIES} queries sent without an end; the trace stops there"
            ));
        }
        self.queries += 1;
        let mut flags = self.options.flags;
        flags.recurse = recurse;
        let message = dns::request(Query::query(qname.clone(), rtype), &flags);
        let start = Instant::now();
        let result = exchange(at, message, self.options.timeout, self.options.tries).await;
        let mut attempt = ServerTry {
            name: name.to_string(),
            address: crate::net::host::endpoint(at).to_string(),
            rcode: None,
            error: None,
            time_ms: millis(start.elapsed()),
        };
        match result {
            Ok(response) => {
                attempt.rcode = Some(dns::rcode_name(response.message.metadata.response_code));
                Ok((Some(response), attempt))
            }
            Err(reason) => {
                attempt.error = Some(reason);
                Ok((None, attempt))
            }
        }
    }

    fn step(
        &self,
        query: &str,
        rtype: RecordType,
        zone: &str,
        glue_for: Option<String>,
    ) -> TraceStep {
        TraceStep {
            query: query.to_string(),
            rtype: dns_name::type_name(rtype),
            zone: zone.to_string(),
            kind: StepKind::Failed,
            glue_for,
            servers: Vec::new(),
            rcode: None,
            flags: Vec::new(),
            bytes: None,
            time_ms: 0.0,
            records: Vec::new(),
            delegation: None,
            glue: Vec::new(),
        }
    }
}

/// One query to one server: over UDP, repeated over TCP when the answer is truncated.
async fn exchange(
    at: SocketAddr,
    message: Message,
    timeout: Duration,
    tries: usize,
) -> Result<Response, String> {
    let udp =
        UdpMux::new(at, timeout, tries).map_err(|e| format!("cannot open a UDP socket: {e}"))?;
    match udp.ask_sized(message.clone()).await {
        Ok((answer, _)) if answer.metadata.truncation => {
            let stream = StreamMux::new(at, StreamMux::tcp_opener(at), timeout, tries);
            match stream.ask(message).await {
                // The size of the message as it is encoded here: the TCP reader keeps no
                // count of the bytes it read.
                Ok(answer) => Ok(Response {
                    bytes: answer.to_vec().map_or(0, |v| v.len()),
                    message: answer,
                }),
                Err(StreamFailure::Timeout) => {
                    Err("timed out over TCP (UDP answer truncated)".into())
                }
                Err(StreamFailure::Refused(_)) => {
                    Err("TCP connection refused (UDP answer truncated)".into())
                }
                Err(StreamFailure::Io(e)) => Err(format!("over TCP: {e}")),
            }
        }
        Ok((message, bytes)) => Ok(Response { message, bytes }),
        Err(UdpFailure::Timeout(notes)) if notes.is_empty() => Err("timed out".into()),
        Err(UdpFailure::Timeout(notes)) => Err(format!("timed out; ignored {}", notes.join("; "))),
        Err(UdpFailure::Refused(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            Err("connection refused".into())
        }
        Err(UdpFailure::Refused(e) | UdpFailure::Io(e)) => Err(e.to_string()),
    }
}

/// What `message`, from a server of `zone` asked about `qname`, means for the trace.
fn judge(message: &Message, qname: &Name, zone: &Name, family: Family) -> Verdict {
    let code = message.metadata.response_code;
    if code == ResponseCode::NXDomain {
        return Verdict::Final(StepKind::Nxdomain);
    }
    if code != ResponseCode::NoError {
        return Verdict::Unusable(format!("answered {}", dns::rcode_name(code)), false);
    }
    if !message.answers.is_empty() {
        return Verdict::Final(StepKind::Answer);
    }
    let ns_owners: Vec<&Name> = message
        .authorities
        .iter()
        .filter(|r| r.record_type() == RecordType::NS)
        .map(|r| &r.name)
        .collect();
    // The closest zone cut on the way to the name, strictly below the zone asked.
    let cut = ns_owners
        .iter()
        .filter(|owner| zone.zone_of(owner) && **owner != zone && owner.zone_of(qname))
        .max_by_key(|owner| owner.num_labels());
    if let Some(cut) = cut {
        let cut = (*cut).clone();
        let servers = ns_names(&message.authorities, &cut)
            .into_iter()
            .map(|ns| NameServer {
                name: dns_name::name_text(&ns),
                // Glue is taken only from within the zone asked (bailiwick).
                addrs: if zone.zone_of(&ns) {
                    glue_for(message, &ns, family)
                } else {
                    Vec::new()
                },
            })
            .collect();
        return Verdict::Referral(cut, servers);
    }
    let has_soa = message
        .authorities
        .iter()
        .any(|r| r.record_type() == RecordType::SOA);
    if has_soa {
        return Verdict::Final(StepKind::Nodata);
    }
    if let Some(owner) = ns_owners.first() {
        let owner_text = dns_name::name_text(owner);
        return if owner.zone_of(zone) {
            Verdict::Unusable(
                format!("referred back to {owner_text} (a referral loop)"),
                true,
            )
        } else {
            Verdict::Unusable(
                format!(
                    "referred to {owner_text}, which is not on the way to {}",
                    dns_name::name_text(qname)
                ),
                false,
            )
        };
    }
    if message.metadata.authoritative {
        return Verdict::Final(StepKind::Nodata);
    }
    Verdict::Unusable(
        "answered with no records, no referral and no authority (a lame server)".into(),
        false,
    )
}

/// The targets of the NS records of `owner` in `records`, in order, without repeats.
fn ns_names(records: &[hickory_resolver::proto::rr::Record], owner: &Name) -> Vec<Name> {
    let mut names: Vec<Name> = Vec::new();
    for record in records.iter().filter(|r| r.name == *owner) {
        if let RData::NS(ns) = &record.data
            && !names.contains(&ns.0)
        {
            names.push(ns.0.clone());
        }
    }
    names
}

/// The addresses the additional section gives for `name`, of the family asked.
fn glue_for(message: &Message, name: &Name, family: Family) -> Vec<IpAddr> {
    message
        .additionals
        .iter()
        .filter(|r| r.name == *name)
        .filter_map(|r| match &r.data {
            RData::A(a) => Some(IpAddr::V4(a.0)),
            RData::AAAA(a) => Some(IpAddr::V6(a.0)),
            _ => None,
        })
        .filter(|a| family.allows(*a))
        .collect()
}

/// The step's fields from the response used.
fn fill(step: &mut TraceStep, answer: &Answer, response: &Response, records: Vec<DnsRecord>) {
    step.rcode = Some(answer.rcode.clone());
    step.flags = answer.flags.clone();
    step.bytes = Some(response.bytes);
    step.time_ms = step.servers.last().map_or(0.0, |s| s.time_ms);
    step.records = records;
}
