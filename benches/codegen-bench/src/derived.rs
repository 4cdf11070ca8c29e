//! The serde_derive equivalents of the seed types the decode benchmark reads: the same members,
//! the same Rust types, optional members as `Option`, members unknown to the seed ignored (serde's
//! default, as the generated impls do). An enum value outside the schema is kept as its text in
//! `Other(String)`, an untagged variant, as the generated enums keep it (the captures hold
//! none, but the variant makes the enum, and whatever holds it, as large as the generated one).

use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, Serialize)]
pub struct GuestAgentCommandInfo {
    pub name: String,
    pub enabled: bool,
    #[serde(rename = "success-response")]
    pub success_response: bool,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct GuestAgentInfo {
    pub version: String,
    pub supported_commands: Vec<GuestAgentCommandInfo>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GuestIpAddressType {
    Ipv4,
    Ipv6,
    #[serde(untagged)]
    Other(String),
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct GuestIpAddress {
    pub ip_address: String,
    pub ip_address_type: GuestIpAddressType,
    pub prefix: i64,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct GuestNetworkInterface {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_addresses: Option<Vec<GuestIpAddress>>,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct GuestPciAddress {
    pub domain: i64,
    pub bus: i64,
    pub slot: i64,
    pub function: i64,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GuestDiskBusType {
    Ide,
    Fdc,
    Scsi,
    Virtio,
    Xen,
    Usb,
    Uml,
    Sata,
    Sd,
    Unknown,
    Ieee1394,
    Ssa,
    Fibre,
    Raid,
    Iscsi,
    Sas,
    Mmc,
    Virtual,
    FileBackedVirtual,
    #[serde(untagged)]
    Other(String),
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct GuestDiskAddress {
    pub pci_controller: GuestPciAddress,
    pub bus_type: GuestDiskBusType,
    pub bus: i64,
    pub target: i64,
    pub unit: i64,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct GuestFilesystemInfo {
    pub name: String,
    pub mountpoint: String,
    #[serde(rename = "type")]
    pub r#type: String,
    pub disk: Vec<GuestDiskAddress>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct GuestMemoryBlock {
    pub phys_index: u64,
    pub online: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_offline: Option<bool>,
}
