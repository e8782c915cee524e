import Lambda
import AWS
import CurlHTTP
import Support
/// Instances that something else launched and will replace. Stopping one makes its manager
/// terminate it and launch another (an Auto Scaling group's health check, a node group, Karpenter,
/// a fleet keeping its capacity), so a stop there breaks "nothing is ever terminated", and a short
/// `stop-after` turns it into a loop. instance-watch never stops them, whatever their tags say.
public enum ManagedInstances {
    /// The tags that mark a manager, in the order they are told (the first present names it).
    public static let markers: [(tag: String, manager: String)] = [
        ("aws:autoscaling:groupName", "Auto Scaling group"),
        ("eks:nodegroup-name", "EKS node group"),
        ("eks:cluster-name", "EKS cluster"),
        ("karpenter.sh/nodepool", "Karpenter node pool"),
        ("karpenter.sh/provisioner-name", "Karpenter provisioner"),
        ("aws:ec2spot:fleet-request-id", "Spot Fleet"),
        ("aws:ec2:fleet-id", "EC2 Fleet"),
        ("aws:elasticmapreduce:job-flow-id", "EMR cluster"),
        ("aws:cloud9:environment", "Cloud9 environment"),
    ]

    /// `Auto Scaling group web-asg (tag aws:autoscaling:groupName)`, or nil when none of the markers
    /// is present. The tag's value is clipped: it comes from outside and only names the manager.
    public static func manager(tags: [String: String]?) -> String? {
        guard let tags else { return nil }
        for marker in markers {
            guard let value = tags[marker.tag] else { continue }
            let named = value.isEmpty ? marker.manager : "\(marker.manager) \(value.prefix(64))"
            return "\(named) (tag \(marker.tag))"
        }
        return nil
    }
}
