//! EC2 operations of the catalogue (regional).

use crate::answer::{send, send_all_pages};
use crate::errors::not_implemented;
use crate::input::Input;
use crate::json::{json_enum, json_object};
use aws_sdk_ec2::Client;
use aws_sdk_ec2::operation as op;
use aws_sdk_ec2::types as t;
use lgp_aws_api::AwsCallError;
use serde_json::Value;

/// Whose snapshots and images are listed when the input names no owner: AWS would otherwise
/// list every public snapshot or image too (millions), which no posture check wants.
const DEFAULT_OWNERS: &str = "self";

/// Answers one EC2 operation.
pub(crate) async fn call(
    client: &Client,
    operation: &str,
    input: &Input<'_>,
) -> Result<Value, AwsCallError> {
    let c = client;
    match operation {
        "DescribeRegions" => send!(
            c.describe_regions()
                .set_all_regions(input.bool("AllRegions")?)
        ),
        "DescribeInstances" => send_all_pages!(c.describe_instances()),
        "DescribeInstanceAttribute" => send!(
            c.describe_instance_attribute()
                .instance_id(input.required_string("InstanceId")?)
                .attribute(input.required_one_of::<t::InstanceAttributeName>(
                    "Attribute",
                    t::InstanceAttributeName::values()
                )?)
        ),
        "DescribeSecurityGroups" => send_all_pages!(c.describe_security_groups()),
        "DescribeNetworkAcls" => send_all_pages!(c.describe_network_acls()),
        "DescribeVpcs" => send_all_pages!(c.describe_vpcs()),
        "DescribeSubnets" => send_all_pages!(c.describe_subnets()),
        "DescribeFlowLogs" => send_all_pages!(c.describe_flow_logs()),
        "DescribeVolumes" => send_all_pages!(c.describe_volumes()),
        "DescribeSnapshots" => send_all_pages!(
            c.describe_snapshots()
                .set_owner_ids(Some(owners(input, "OwnerIds")?))
        ),
        "DescribeSnapshotAttribute" => send!(
            c.describe_snapshot_attribute()
                .snapshot_id(input.required_string("SnapshotId")?)
                .attribute(input.required_one_of::<t::SnapshotAttributeName>(
                    "Attribute",
                    t::SnapshotAttributeName::values()
                )?)
        ),
        "GetEbsEncryptionByDefault" => send!(c.get_ebs_encryption_by_default()),
        "DescribeImages" => send_all_pages!(
            c.describe_images()
                .set_owners(Some(owners(input, "Owners")?))
        ),
        "DescribeImageAttribute" => send!(
            c.describe_image_attribute()
                .image_id(input.required_string("ImageId")?)
                .attribute(input.required_one_of::<t::ImageAttributeName>(
                    "Attribute",
                    t::ImageAttributeName::values()
                )?)
        ),
        "DescribeLaunchTemplates" => send_all_pages!(c.describe_launch_templates()),
        "DescribeLaunchTemplateVersions" => send_all_pages!(
            c.describe_launch_template_versions()
                .set_launch_template_id(input.string("LaunchTemplateId")?)
                .set_versions(input.strings("Versions")?)
        ),
        "DescribeAddresses" => send!(c.describe_addresses()),
        "DescribeNetworkInterfaces" => send_all_pages!(c.describe_network_interfaces()),
        _ => Err(not_implemented("ec2", operation)),
    }
}

/// The owners named by `field`, or [`DEFAULT_OWNERS`].
fn owners(input: &Input<'_>, field: &str) -> Result<Vec<String>, AwsCallError> {
    Ok(input
        .strings(field)?
        .filter(|owners| !owners.is_empty())
        .unwrap_or_else(|| vec![DEFAULT_OWNERS.to_owned()]))
}

json_enum!(
    t::ArchitectureValues,
    t::AttachmentStatus,
    t::BootModeValues,
    t::DeviceType,
    t::DomainType,
    t::HostnameType,
    t::HttpTokensState,
    t::HypervisorType,
    t::ImageState,
    t::ImageTypeValues,
    t::ImdsSupportValues,
    t::InstanceBootModeValues,
    t::InstanceLifecycleType,
    t::InstanceMetadataEndpointState,
    t::InstanceMetadataOptionsState,
    t::InstanceMetadataProtocolState,
    t::InstanceMetadataTagsState,
    t::InstanceStateName,
    t::InstanceType,
    t::LaunchTemplateHttpTokensState,
    t::LaunchTemplateInstanceMetadataEndpointState,
    t::LaunchTemplateInstanceMetadataOptionsState,
    t::LaunchTemplateInstanceMetadataProtocolIpv6,
    t::LaunchTemplateInstanceMetadataTagsState,
    t::LogDestinationType,
    t::MonitoringState,
    t::NetworkInterfaceStatus,
    t::NetworkInterfaceType,
    t::PermissionGroup,
    t::PlatformValues,
    t::ProductCodeValues,
    t::ResourceType,
    t::RuleAction,
    t::ServiceManaged,
    t::ShutdownBehavior,
    t::SnapshotState,
    t::SseType,
    t::StorageTier,
    t::SubnetCidrBlockStateCode,
    t::SubnetState,
    t::Tenancy,
    t::TpmSupportValues,
    t::TrafficType,
    t::VirtualizationType,
    t::VolumeAttachmentState,
    t::VolumeState,
    t::VolumeType,
    t::VpcCidrBlockStateCode,
    t::VpcState,
    t::DestinationFileFormat,
    t::InstanceAutoRecoveryState,
    t::InstanceRebootMigrationState,
    t::BlockPublicAccessMode,
);

json_object! {
    // Shared structures.
    t::Tag { "Key" => key, "Value" => value }
    t::GroupIdentifier { "GroupId" => group_id, "GroupName" => group_name }
    t::ProductCode {
        "ProductCodeId" => product_code_id,
        "ProductCodeType" => product_code_type,
    }
    t::StateReason { "Code" => code, "Message" => message }
    t::AttributeValue { "Value" => value }
    t::AttributeBooleanValue { "Value" => value }
    t::BlockDeviceMapping {
        "DeviceName" => device_name,
        "VirtualName" => virtual_name,
        "Ebs" => ebs,
        "NoDevice" => no_device,
    }
    t::EbsBlockDevice {
        "DeleteOnTermination" => delete_on_termination,
        "Iops" => iops,
        "SnapshotId" => snapshot_id,
        "VolumeSize" => volume_size,
        "VolumeType" => volume_type,
        "KmsKeyId" => kms_key_id,
        "Throughput" => throughput,
        "OutpostArn" => outpost_arn,
        "Encrypted" => encrypted,
    }

    // DescribeRegions
    op::describe_regions::DescribeRegionsOutput { "Regions" => regions }
    t::Region {
        "RegionName" => region_name,
        "Endpoint" => endpoint,
        "OptInStatus" => opt_in_status,
    }

    // DescribeInstances
    op::describe_instances::DescribeInstancesOutput { "Reservations" => reservations }
    t::Reservation {
        "ReservationId" => reservation_id,
        "OwnerId" => owner_id,
        "RequesterId" => requester_id,
        "Groups" => groups,
        "Instances" => instances,
    }
    t::Instance {
        "InstanceId" => instance_id,
        "ImageId" => image_id,
        "State" => state,
        "StateReason" => state_reason,
        "StateTransitionReason" => state_transition_reason,
        "InstanceType" => instance_type,
        "Architecture" => architecture,
        "Platform" => platform,
        "PlatformDetails" => platform_details,
        "LaunchTime" => launch_time,
        "KeyName" => key_name,
        "AmiLaunchIndex" => ami_launch_index,
        "Placement" => placement,
        "Monitoring" => monitoring,
        "SubnetId" => subnet_id,
        "VpcId" => vpc_id,
        "PrivateDnsName" => private_dns_name,
        "PrivateIpAddress" => private_ip_address,
        "PublicDnsName" => public_dns_name,
        "PublicIpAddress" => public_ip_address,
        "Ipv6Address" => ipv6_address,
        "IamInstanceProfile" => iam_instance_profile,
        "SecurityGroups" => security_groups,
        "NetworkInterfaces" => network_interfaces,
        "SourceDestCheck" => source_dest_check,
        "MetadataOptions" => metadata_options,
        "BlockDeviceMappings" => block_device_mappings,
        "RootDeviceName" => root_device_name,
        "RootDeviceType" => root_device_type,
        "EbsOptimized" => ebs_optimized,
        "EnaSupport" => ena_support,
        "Hypervisor" => hypervisor,
        "VirtualizationType" => virtualization_type,
        "InstanceLifecycle" => instance_lifecycle,
        "SpotInstanceRequestId" => spot_instance_request_id,
        "ProductCodes" => product_codes,
        "KernelId" => kernel_id,
        "RamdiskId" => ramdisk_id,
        "ClientToken" => client_token,
        "OutpostArn" => outpost_arn,
        "CpuOptions" => cpu_options,
        "HibernationOptions" => hibernation_options,
        "EnclaveOptions" => enclave_options,
        "BootMode" => boot_mode,
        "CurrentInstanceBootMode" => current_instance_boot_mode,
        "PrivateDnsNameOptions" => private_dns_name_options,
        "MaintenanceOptions" => maintenance_options,
        "TpmSupport" => tpm_support,
        "UsageOperation" => usage_operation,
        "UsageOperationUpdateTime" => usage_operation_update_time,
        "Tags" => tags,
    }
    t::InstanceState { "Code" => code, "Name" => name }
    t::Placement {
        "AvailabilityZone" => availability_zone,
        "AvailabilityZoneId" => availability_zone_id,
        "Affinity" => affinity,
        "GroupName" => group_name,
        "GroupId" => group_id,
        "PartitionNumber" => partition_number,
        "HostId" => host_id,
        "Tenancy" => tenancy,
    }
    t::Monitoring { "State" => state }
    t::IamInstanceProfile { "Arn" => arn, "Id" => id }
    t::InstanceNetworkInterface {
        "NetworkInterfaceId" => network_interface_id,
        "InterfaceType" => interface_type,
        "Status" => status,
        "Description" => description,
        "OwnerId" => owner_id,
        "SubnetId" => subnet_id,
        "VpcId" => vpc_id,
        "MacAddress" => mac_address,
        "PrivateDnsName" => private_dns_name,
        "PrivateIpAddress" => private_ip_address,
        "PrivateIpAddresses" => private_ip_addresses,
        "Ipv6Addresses" => ipv6_addresses,
        "SourceDestCheck" => source_dest_check,
        "Association" => association,
        "Attachment" => attachment,
        "Groups" => groups,
    }
    t::InstanceNetworkInterfaceAssociation {
        "PublicIp" => public_ip,
        "PublicDnsName" => public_dns_name,
        "IpOwnerId" => ip_owner_id,
        "CarrierIp" => carrier_ip,
        "CustomerOwnedIp" => customer_owned_ip,
    }
    t::InstanceNetworkInterfaceAttachment {
        "AttachmentId" => attachment_id,
        "AttachTime" => attach_time,
        "DeleteOnTermination" => delete_on_termination,
        "DeviceIndex" => device_index,
        "NetworkCardIndex" => network_card_index,
        "Status" => status,
    }
    t::InstancePrivateIpAddress {
        "PrivateIpAddress" => private_ip_address,
        "PrivateDnsName" => private_dns_name,
        "Primary" => primary,
        "Association" => association,
    }
    t::InstanceIpv6Address {
        "Ipv6Address" => ipv6_address,
        "IsPrimaryIpv6" => is_primary_ipv6,
    }
    t::InstanceMetadataOptionsResponse {
        "State" => state,
        "HttpTokens" => http_tokens,
        "HttpPutResponseHopLimit" => http_put_response_hop_limit,
        "HttpEndpoint" => http_endpoint,
        "HttpProtocolIpv6" => http_protocol_ipv6,
        "InstanceMetadataTags" => instance_metadata_tags,
    }
    t::InstanceBlockDeviceMapping { "DeviceName" => device_name, "Ebs" => ebs }
    t::EbsInstanceBlockDevice {
        "VolumeId" => volume_id,
        "Status" => status,
        "AttachTime" => attach_time,
        "DeleteOnTermination" => delete_on_termination,
        "VolumeOwnerId" => volume_owner_id,
    }
    t::CpuOptions { "CoreCount" => core_count, "ThreadsPerCore" => threads_per_core }
    t::HibernationOptions { "Configured" => configured }
    t::EnclaveOptions { "Enabled" => enabled }
    t::PrivateDnsNameOptionsResponse {
        "HostnameType" => hostname_type,
        "EnableResourceNameDnsARecord" => enable_resource_name_dns_a_record,
        "EnableResourceNameDnsAAAARecord" => enable_resource_name_dns_aaaa_record,
    }
    t::InstanceMaintenanceOptions {
        "AutoRecovery" => auto_recovery,
        "RebootMigration" => reboot_migration,
    }

    // DescribeInstanceAttribute
    op::describe_instance_attribute::DescribeInstanceAttributeOutput {
        "InstanceId" => instance_id,
        "BlockDeviceMappings" => block_device_mappings,
        "DisableApiTermination" => disable_api_termination,
        "DisableApiStop" => disable_api_stop,
        "EnaSupport" => ena_support,
        "EnclaveOptions" => enclave_options,
        "EbsOptimized" => ebs_optimized,
        "InstanceInitiatedShutdownBehavior" => instance_initiated_shutdown_behavior,
        "InstanceType" => instance_type,
        "KernelId" => kernel_id,
        "ProductCodes" => product_codes,
        "RamdiskId" => ramdisk_id,
        "RootDeviceName" => root_device_name,
        "SourceDestCheck" => source_dest_check,
        "SriovNetSupport" => sriov_net_support,
        "UserData" => user_data,
        "Groups" => groups,
    }

    // DescribeSecurityGroups
    op::describe_security_groups::DescribeSecurityGroupsOutput {
        "SecurityGroups" => security_groups,
    }
    t::SecurityGroup {
        "GroupId" => group_id,
        "GroupName" => group_name,
        "SecurityGroupArn" => security_group_arn,
        "Description" => description,
        "OwnerId" => owner_id,
        "VpcId" => vpc_id,
        "IpPermissions" => ip_permissions,
        "IpPermissionsEgress" => ip_permissions_egress,
        "Tags" => tags,
    }
    t::IpPermission {
        "IpProtocol" => ip_protocol,
        "FromPort" => from_port,
        "ToPort" => to_port,
        "IpRanges" => ip_ranges,
        "Ipv6Ranges" => ipv6_ranges,
        "PrefixListIds" => prefix_list_ids,
        "UserIdGroupPairs" => user_id_group_pairs,
    }
    t::IpRange { "CidrIp" => cidr_ip, "Description" => description }
    t::Ipv6Range { "CidrIpv6" => cidr_ipv6, "Description" => description }
    t::PrefixListId { "PrefixListId" => prefix_list_id, "Description" => description }
    t::UserIdGroupPair {
        "UserId" => user_id,
        "GroupId" => group_id,
        "GroupName" => group_name,
        "VpcId" => vpc_id,
        "VpcPeeringConnectionId" => vpc_peering_connection_id,
        "PeeringStatus" => peering_status,
        "Description" => description,
    }

    // DescribeNetworkAcls
    op::describe_network_acls::DescribeNetworkAclsOutput { "NetworkAcls" => network_acls }
    t::NetworkAcl {
        "NetworkAclId" => network_acl_id,
        "VpcId" => vpc_id,
        "OwnerId" => owner_id,
        "IsDefault" => is_default,
        "Entries" => entries,
        "Associations" => associations,
        "Tags" => tags,
    }
    t::NetworkAclEntry {
        "RuleNumber" => rule_number,
        "RuleAction" => rule_action,
        "Egress" => egress,
        "Protocol" => protocol,
        "CidrBlock" => cidr_block,
        "Ipv6CidrBlock" => ipv6_cidr_block,
        "PortRange" => port_range,
        "IcmpTypeCode" => icmp_type_code,
    }
    t::PortRange { "From" => from, "To" => to }
    t::IcmpTypeCode { "Code" => code, "Type" => r#type }
    t::NetworkAclAssociation {
        "NetworkAclAssociationId" => network_acl_association_id,
        "NetworkAclId" => network_acl_id,
        "SubnetId" => subnet_id,
    }

    // DescribeVpcs
    op::describe_vpcs::DescribeVpcsOutput { "Vpcs" => vpcs }
    t::Vpc {
        "VpcId" => vpc_id,
        "OwnerId" => owner_id,
        "State" => state,
        "CidrBlock" => cidr_block,
        "CidrBlockAssociationSet" => cidr_block_association_set,
        "Ipv6CidrBlockAssociationSet" => ipv6_cidr_block_association_set,
        "DhcpOptionsId" => dhcp_options_id,
        "InstanceTenancy" => instance_tenancy,
        "IsDefault" => is_default,
        "BlockPublicAccessStates" => block_public_access_states,
        "Tags" => tags,
    }
    t::VpcCidrBlockAssociation {
        "AssociationId" => association_id,
        "CidrBlock" => cidr_block,
        "CidrBlockState" => cidr_block_state,
    }
    t::VpcIpv6CidrBlockAssociation {
        "AssociationId" => association_id,
        "Ipv6CidrBlock" => ipv6_cidr_block,
        "Ipv6CidrBlockState" => ipv6_cidr_block_state,
        "NetworkBorderGroup" => network_border_group,
        "Ipv6Pool" => ipv6_pool,
    }
    t::VpcCidrBlockState { "State" => state, "StatusMessage" => status_message }
    t::BlockPublicAccessStates { "InternetGatewayBlockMode" => internet_gateway_block_mode }

    // DescribeSubnets
    op::describe_subnets::DescribeSubnetsOutput { "Subnets" => subnets }
    t::Subnet {
        "SubnetId" => subnet_id,
        "SubnetArn" => subnet_arn,
        "VpcId" => vpc_id,
        "OwnerId" => owner_id,
        "State" => state,
        "CidrBlock" => cidr_block,
        "Ipv6CidrBlockAssociationSet" => ipv6_cidr_block_association_set,
        "AvailabilityZone" => availability_zone,
        "AvailabilityZoneId" => availability_zone_id,
        "AvailableIpAddressCount" => available_ip_address_count,
        "DefaultForAz" => default_for_az,
        "MapPublicIpOnLaunch" => map_public_ip_on_launch,
        "MapCustomerOwnedIpOnLaunch" => map_customer_owned_ip_on_launch,
        "AssignIpv6AddressOnCreation" => assign_ipv6_address_on_creation,
        "EnableDns64" => enable_dns64,
        "Ipv6Native" => ipv6_native,
        "OutpostArn" => outpost_arn,
        "BlockPublicAccessStates" => block_public_access_states,
        "Tags" => tags,
    }
    t::SubnetIpv6CidrBlockAssociation {
        "AssociationId" => association_id,
        "Ipv6CidrBlock" => ipv6_cidr_block,
        "Ipv6CidrBlockState" => ipv6_cidr_block_state,
    }
    t::SubnetCidrBlockState { "State" => state, "StatusMessage" => status_message }

    // DescribeFlowLogs
    op::describe_flow_logs::DescribeFlowLogsOutput { "FlowLogs" => flow_logs }
    t::FlowLog {
        "FlowLogId" => flow_log_id,
        "FlowLogStatus" => flow_log_status,
        "ResourceId" => resource_id,
        "TrafficType" => traffic_type,
        "LogDestinationType" => log_destination_type,
        "LogDestination" => log_destination,
        "LogGroupName" => log_group_name,
        "LogFormat" => log_format,
        "DeliverLogsStatus" => deliver_logs_status,
        "DeliverLogsErrorMessage" => deliver_logs_error_message,
        "DeliverLogsPermissionArn" => deliver_logs_permission_arn,
        "DeliverCrossAccountRole" => deliver_cross_account_role,
        "MaxAggregationInterval" => max_aggregation_interval,
        "DestinationOptions" => destination_options,
        "CreationTime" => creation_time,
        "Tags" => tags,
    }
    t::DestinationOptionsResponse {
        "FileFormat" => file_format,
        "HiveCompatiblePartitions" => hive_compatible_partitions,
        "PerHourPartition" => per_hour_partition,
    }

    // DescribeVolumes
    op::describe_volumes::DescribeVolumesOutput { "Volumes" => volumes }
    t::Volume {
        "VolumeId" => volume_id,
        "VolumeArn" => volume_arn,
        "OwnerId" => owner_id,
        "State" => state,
        "Size" => size,
        "VolumeType" => volume_type,
        "Iops" => iops,
        "Throughput" => throughput,
        "Encrypted" => encrypted,
        "KmsKeyId" => kms_key_id,
        "SseType" => sse_type,
        "SnapshotId" => snapshot_id,
        "AvailabilityZone" => availability_zone,
        "AvailabilityZoneId" => availability_zone_id,
        "CreateTime" => create_time,
        "Attachments" => attachments,
        "MultiAttachEnabled" => multi_attach_enabled,
        "FastRestored" => fast_restored,
        "OutpostArn" => outpost_arn,
        "Tags" => tags,
    }
    t::VolumeAttachment {
        "VolumeId" => volume_id,
        "InstanceId" => instance_id,
        "Device" => device,
        "State" => state,
        "AttachTime" => attach_time,
        "DeleteOnTermination" => delete_on_termination,
        "AssociatedResource" => associated_resource,
        "InstanceOwningService" => instance_owning_service,
    }

    // DescribeSnapshots
    op::describe_snapshots::DescribeSnapshotsOutput { "Snapshots" => snapshots }
    t::Snapshot {
        "SnapshotId" => snapshot_id,
        "OwnerId" => owner_id,
        "OwnerAlias" => owner_alias,
        "VolumeId" => volume_id,
        "VolumeSize" => volume_size,
        "State" => state,
        "StateMessage" => state_message,
        "StartTime" => start_time,
        "CompletionTime" => completion_time,
        "Progress" => progress,
        "Description" => description,
        "Encrypted" => encrypted,
        "KmsKeyId" => kms_key_id,
        "DataEncryptionKeyId" => data_encryption_key_id,
        "SseType" => sse_type,
        "StorageTier" => storage_tier,
        "RestoreExpiryTime" => restore_expiry_time,
        "OutpostArn" => outpost_arn,
        "AvailabilityZone" => availability_zone,
        "Tags" => tags,
    }

    // DescribeSnapshotAttribute
    op::describe_snapshot_attribute::DescribeSnapshotAttributeOutput {
        "SnapshotId" => snapshot_id,
        "CreateVolumePermissions" => create_volume_permissions,
        "ProductCodes" => product_codes,
    }
    t::CreateVolumePermission { "Group" => group, "UserId" => user_id }

    // GetEbsEncryptionByDefault
    op::get_ebs_encryption_by_default::GetEbsEncryptionByDefaultOutput {
        "EbsEncryptionByDefault" => ebs_encryption_by_default,
        "SseType" => sse_type,
    }

    // DescribeImages
    op::describe_images::DescribeImagesOutput { "Images" => images }
    t::Image {
        "ImageId" => image_id,
        "Name" => name,
        "Description" => description,
        "OwnerId" => owner_id,
        "ImageOwnerAlias" => image_owner_alias,
        "Public" => public,
        "State" => state,
        "StateReason" => state_reason,
        "CreationDate" => creation_date,
        "DeprecationTime" => deprecation_time,
        "LastLaunchedTime" => last_launched_time,
        "DeregistrationProtection" => deregistration_protection,
        "ImageLocation" => image_location,
        "ImageType" => image_type,
        "Architecture" => architecture,
        "Platform" => platform,
        "PlatformDetails" => platform_details,
        "UsageOperation" => usage_operation,
        "Hypervisor" => hypervisor,
        "VirtualizationType" => virtualization_type,
        "RootDeviceName" => root_device_name,
        "RootDeviceType" => root_device_type,
        "BlockDeviceMappings" => block_device_mappings,
        "EnaSupport" => ena_support,
        "SriovNetSupport" => sriov_net_support,
        "BootMode" => boot_mode,
        "TpmSupport" => tpm_support,
        "ImdsSupport" => imds_support,
        "KernelId" => kernel_id,
        "RamdiskId" => ramdisk_id,
        "ProductCodes" => product_codes,
        "SourceInstanceId" => source_instance_id,
        "Tags" => tags,
    }

    // DescribeImageAttribute
    op::describe_image_attribute::DescribeImageAttributeOutput {
        "ImageId" => image_id,
        "LaunchPermissions" => launch_permissions,
        "ProductCodes" => product_codes,
        "BlockDeviceMappings" => block_device_mappings,
        "Description" => description,
        "KernelId" => kernel_id,
        "RamdiskId" => ramdisk_id,
        "SriovNetSupport" => sriov_net_support,
        "BootMode" => boot_mode,
        "TpmSupport" => tpm_support,
        "UefiData" => uefi_data,
        "LastLaunchedTime" => last_launched_time,
        "ImdsSupport" => imds_support,
        "DeregistrationProtection" => deregistration_protection,
    }
    t::LaunchPermission {
        "Group" => group,
        "UserId" => user_id,
        "OrganizationArn" => organization_arn,
        "OrganizationalUnitArn" => organizational_unit_arn,
    }

    // DescribeLaunchTemplates
    op::describe_launch_templates::DescribeLaunchTemplatesOutput {
        "LaunchTemplates" => launch_templates,
    }
    t::LaunchTemplate {
        "LaunchTemplateId" => launch_template_id,
        "LaunchTemplateName" => launch_template_name,
        "CreateTime" => create_time,
        "CreatedBy" => created_by,
        "DefaultVersionNumber" => default_version_number,
        "LatestVersionNumber" => latest_version_number,
        "Tags" => tags,
    }

    // DescribeLaunchTemplateVersions
    op::describe_launch_template_versions::DescribeLaunchTemplateVersionsOutput {
        "LaunchTemplateVersions" => launch_template_versions,
    }
    t::LaunchTemplateVersion {
        "LaunchTemplateId" => launch_template_id,
        "LaunchTemplateName" => launch_template_name,
        "VersionNumber" => version_number,
        "VersionDescription" => version_description,
        "CreateTime" => create_time,
        "CreatedBy" => created_by,
        "DefaultVersion" => default_version,
        "LaunchTemplateData" => launch_template_data,
    }
    t::ResponseLaunchTemplateData {
        "ImageId" => image_id,
        "InstanceType" => instance_type,
        "KeyName" => key_name,
        "KernelId" => kernel_id,
        "RamDiskId" => ram_disk_id,
        "EbsOptimized" => ebs_optimized,
        "IamInstanceProfile" => iam_instance_profile,
        "BlockDeviceMappings" => block_device_mappings,
        "NetworkInterfaces" => network_interfaces,
        "SecurityGroupIds" => security_group_ids,
        "SecurityGroups" => security_groups,
        "MetadataOptions" => metadata_options,
        "UserData" => user_data,
        "Monitoring" => monitoring,
        "Placement" => placement,
        "DisableApiTermination" => disable_api_termination,
        "DisableApiStop" => disable_api_stop,
        "InstanceInitiatedShutdownBehavior" => instance_initiated_shutdown_behavior,
        "CreditSpecification" => credit_specification,
        "HibernationOptions" => hibernation_options,
        "EnclaveOptions" => enclave_options,
        "TagSpecifications" => tag_specifications,
    }
    t::LaunchTemplateIamInstanceProfileSpecification { "Arn" => arn, "Name" => name }
    t::LaunchTemplateBlockDeviceMapping {
        "DeviceName" => device_name,
        "VirtualName" => virtual_name,
        "Ebs" => ebs,
        "NoDevice" => no_device,
    }
    t::LaunchTemplateEbsBlockDevice {
        "Encrypted" => encrypted,
        "KmsKeyId" => kms_key_id,
        "DeleteOnTermination" => delete_on_termination,
        "Iops" => iops,
        "SnapshotId" => snapshot_id,
        "VolumeSize" => volume_size,
        "VolumeType" => volume_type,
        "Throughput" => throughput,
    }
    t::LaunchTemplateInstanceNetworkInterfaceSpecification {
        "NetworkInterfaceId" => network_interface_id,
        "DeviceIndex" => device_index,
        "NetworkCardIndex" => network_card_index,
        "AssociatePublicIpAddress" => associate_public_ip_address,
        "AssociateCarrierIpAddress" => associate_carrier_ip_address,
        "DeleteOnTermination" => delete_on_termination,
        "Description" => description,
        "Groups" => groups,
        "InterfaceType" => interface_type,
        "SubnetId" => subnet_id,
        "PrivateIpAddress" => private_ip_address,
        "SecondaryPrivateIpAddressCount" => secondary_private_ip_address_count,
        "Ipv6AddressCount" => ipv6_address_count,
        "Ipv6Addresses" => ipv6_addresses,
        "PrimaryIpv6" => primary_ipv6,
    }
    t::LaunchTemplateInstanceMetadataOptions {
        "State" => state,
        "HttpTokens" => http_tokens,
        "HttpPutResponseHopLimit" => http_put_response_hop_limit,
        "HttpEndpoint" => http_endpoint,
        "HttpProtocolIpv6" => http_protocol_ipv6,
        "InstanceMetadataTags" => instance_metadata_tags,
    }
    t::LaunchTemplatesMonitoring { "Enabled" => enabled }
    t::LaunchTemplatePlacement {
        "AvailabilityZone" => availability_zone,
        "GroupName" => group_name,
        "HostId" => host_id,
        "Tenancy" => tenancy,
    }
    t::CreditSpecification { "CpuCredits" => cpu_credits }
    t::LaunchTemplateHibernationOptions { "Configured" => configured }
    t::LaunchTemplateEnclaveOptions { "Enabled" => enabled }
    t::LaunchTemplateTagSpecification { "ResourceType" => resource_type, "Tags" => tags }

    // DescribeAddresses
    op::describe_addresses::DescribeAddressesOutput { "Addresses" => addresses }
    t::Address {
        "PublicIp" => public_ip,
        "AllocationId" => allocation_id,
        "AssociationId" => association_id,
        "Domain" => domain,
        "InstanceId" => instance_id,
        "NetworkInterfaceId" => network_interface_id,
        "NetworkInterfaceOwnerId" => network_interface_owner_id,
        "PrivateIpAddress" => private_ip_address,
        "PublicIpv4Pool" => public_ipv4_pool,
        "NetworkBorderGroup" => network_border_group,
        "CustomerOwnedIp" => customer_owned_ip,
        "CarrierIp" => carrier_ip,
        "SubnetId" => subnet_id,
        "ServiceManaged" => service_managed,
        "Tags" => tags,
    }

    // DescribeNetworkInterfaces
    op::describe_network_interfaces::DescribeNetworkInterfacesOutput {
        "NetworkInterfaces" => network_interfaces,
    }
    t::NetworkInterface {
        "NetworkInterfaceId" => network_interface_id,
        "InterfaceType" => interface_type,
        "Status" => status,
        "Description" => description,
        "OwnerId" => owner_id,
        "RequesterId" => requester_id,
        "RequesterManaged" => requester_managed,
        "AvailabilityZone" => availability_zone,
        "SubnetId" => subnet_id,
        "VpcId" => vpc_id,
        "MacAddress" => mac_address,
        "PrivateDnsName" => private_dns_name,
        "PrivateIpAddress" => private_ip_address,
        "PrivateIpAddresses" => private_ip_addresses,
        "PublicDnsName" => public_dns_name,
        "Ipv6Address" => ipv6_address,
        "Ipv6Addresses" => ipv6_addresses,
        "SourceDestCheck" => source_dest_check,
        "Association" => association,
        "Attachment" => attachment,
        "Groups" => groups,
        "TagSet" => tag_set,
    }
    t::NetworkInterfaceAssociation {
        "PublicIp" => public_ip,
        "PublicDnsName" => public_dns_name,
        "AllocationId" => allocation_id,
        "AssociationId" => association_id,
        "IpOwnerId" => ip_owner_id,
        "CarrierIp" => carrier_ip,
        "CustomerOwnedIp" => customer_owned_ip,
    }
    t::NetworkInterfaceAttachment {
        "AttachmentId" => attachment_id,
        "AttachTime" => attach_time,
        "DeleteOnTermination" => delete_on_termination,
        "DeviceIndex" => device_index,
        "NetworkCardIndex" => network_card_index,
        "InstanceId" => instance_id,
        "InstanceOwnerId" => instance_owner_id,
        "Status" => status,
    }
    t::NetworkInterfacePrivateIpAddress {
        "PrivateIpAddress" => private_ip_address,
        "PrivateDnsName" => private_dns_name,
        "Primary" => primary,
        "Association" => association,
    }
    t::NetworkInterfaceIpv6Address {
        "Ipv6Address" => ipv6_address,
        "IsPrimaryIpv6" => is_primary_ipv6,
    }
}
