//! The people-and-permissions side of the fake: which accounts exist, and which roles the
//! signed-in user may assume in each.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub email: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directory {
    pub accounts: Vec<Account>,
    /// The user every token belongs to; it names the assumed-role session.
    pub user: String,
}

const TEAMS: [&str; 12] = [
    "payments", "identity", "search", "data", "platform", "billing", "mobile", "web", "ml",
    "security", "infra", "growth",
];
const STAGES: [&str; 4] = ["prod", "staging", "dev", "sandbox"];
const ROLES: [&str; 10] = [
    "AdministratorAccess",
    "ReadOnlyAccess",
    "PowerUserAccess",
    "ViewOnlyAccess",
    "Billing",
    "SecurityAudit",
    "DatabaseAdministrator",
    "NetworkAdministrator",
    "SupportUser",
    "DataScientist",
];

impl Directory {
    /// `accounts` accounts with `roles` roles each, named and numbered deterministically:
    /// the same parameters always give the same directory.
    pub fn generated(accounts: usize, roles: usize) -> Self {
        let accounts = (0..accounts)
            .map(|i| {
                let base = format!(
                    "{}-{}",
                    TEAMS[i % TEAMS.len()],
                    STAGES[(i / TEAMS.len()) % STAGES.len()]
                );
                let round = i / (TEAMS.len() * STAGES.len());
                let name = if round == 0 {
                    base
                } else {
                    format!("{base}-{round}")
                };
                Account {
                    id: format!("{:012}", 210_000_000_000u64 + i as u64 * 7_919),
                    email: format!("aws+{name}@example.com"),
                    name,
                    roles: (0..roles)
                        .map(|r| match r / ROLES.len() {
                            0 => ROLES[r].to_owned(),
                            n => format!("{}{n}", ROLES[r % ROLES.len()]),
                        })
                        .collect(),
                }
            })
            .collect();
        Self {
            accounts,
            user: "developer@example.com".into(),
        }
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    pub fn role_count(&self) -> usize {
        self.accounts.iter().map(|a| a.roles.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_directories_are_deterministic_and_unique() {
        let dir = Directory::generated(500, 12);
        assert_eq!(dir, Directory::generated(500, 12));
        let mut names: Vec<&str> = dir.accounts.iter().map(|a| a.name.as_str()).collect();
        let mut ids: Vec<&str> = dir.accounts.iter().map(|a| a.id.as_str()).collect();
        names.sort();
        names.dedup();
        ids.sort();
        ids.dedup();
        assert_eq!((names.len(), ids.len()), (500, 500));
        assert!(ids.iter().all(|id| id.len() == 12));
        assert_eq!(dir.accounts[0].roles[10], "AdministratorAccess1");
        assert_eq!(dir.role_count(), 6000);
    }
}
