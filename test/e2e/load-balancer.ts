/** The round-robin proxy that the benchmark's two-instance run uses too. */
export { startLoadBalancer, type LoadBalancer } from '../../dev/bench/load-balancer';
