//! Role options checked as the official credentials libraries check them, before any request:
//! a bad duration or ARN is an error naming where the value came from, never silently replaced.

/// Lifetime requested from STS when none is given.
pub(crate) const DEFAULT_DURATION_SECONDS: u32 = 3600;
/// Shortest lifetime STS grants; the official libraries reject anything shorter.
pub(crate) const MIN_DURATION_SECONDS: u32 = 900;

/// `DurationSeconds` of a role session: at least 900 (the longest allowed depends on the role's
/// maximum session duration, which only STS knows).
pub(crate) fn duration_seconds(seconds: u64) -> Result<u32, String> {
    match u32::try_from(seconds) {
        Ok(s) if s >= MIN_DURATION_SECONDS => Ok(s),
        Ok(s) => Err(format!(
            "is {s} seconds, but a role session lasts at least {MIN_DURATION_SECONDS}"
        )),
        Err(_) => Err(format!("is {seconds} seconds, far beyond any role session")),
    }
}

/// A RAM role ARN, `acs:ram::<account id>:role/<role name>`.
pub(crate) fn role_arn(arn: &str) -> Result<(), String> {
    ram_arn(arn, "role", "role name")
}

/// An OIDC identity provider ARN, `acs:ram::<account id>:oidc-provider/<provider name>`.
pub(crate) fn oidc_provider_arn(arn: &str) -> Result<(), String> {
    ram_arn(arn, "oidc-provider", "provider name")
}

fn ram_arn(arn: &str, kind: &str, name: &str) -> Result<(), String> {
    let ok = arn
        .strip_prefix("acs:ram::")
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(account, resource)| {
            let (k, n) = resource.split_once('/')?;
            let fine = !account.is_empty()
                && account.bytes().all(|b| b.is_ascii_digit())
                && k == kind
                && !n.is_empty()
                && !n.chars().any(char::is_whitespace);
            fine.then_some(())
        })
        .is_some();
    if ok {
        return Ok(());
    }
    let shown = if arn.chars().count() <= 200 {
        format!("{arn:?}")
    } else {
        format!("a value of {} characters", arn.chars().count())
    };
    Err(format!(
        "expected acs:ram::<account id>:{kind}/<{name}>, found {shown}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration_seconds(900), Ok(900));
        assert_eq!(duration_seconds(43_200), Ok(43_200));
        for bad in [0, 1, 899, u64::MAX] {
            assert!(duration_seconds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn arns() {
        assert!(role_arn("acs:ram::1234567890123456:role/ice-worker").is_ok());
        assert!(oidc_provider_arn("acs:ram::1234567890123456:oidc-provider/ack-rrsa-c1").is_ok());
        for bad in [
            "",
            "ice-worker",
            "acs:ram::1234:role/",
            "acs:ram:::role/x",
            "acs:ram::12ab:role/x",
            "acs:ram::1234:user/x",
            "acs:ram::1234:role/a b",
            "acs:ram::1234:oidc-provider/x",
        ] {
            let err = role_arn(bad).unwrap_err();
            assert!(
                err.contains("acs:ram::<account id>:role/<role name>"),
                "{err}"
            );
        }
        assert!(oidc_provider_arn("acs:ram::1234:role/x").is_err());
    }
}
